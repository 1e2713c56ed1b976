package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s's relay runs as the code requires: a target side without its allow-list would never
 * start, which the manifests would show only in a cluster, as a crash loop.
 */
class RelayDeploymentTest {

  private static final Path MANIFEST = Path.of("..", "deploy", "k8s", "nats-coordinator.yaml");

  @Test
  void theTargetDeploymentNamesTheWorkflowTypesItsRelayMayStart() throws Exception {
    List<String> relays =
        Arrays.stream(Files.readString(MANIFEST).split("\n---\n"))
            .filter(document -> document.contains("args: [\"--side\", \"target\"]"))
            .toList();

    assertEquals(1, relays.size(), "one Deployment runs --side target");
    List<String> lines = relays.get(0).lines().map(String::strip).toList();
    int variable = lines.indexOf("- name: XCLUSTER_ALLOWED_WORKFLOW_TYPES");
    assertEquals(
        "value: FulfillmentWorkflow",
        variable < 0 ? "(XCLUSTER_ALLOWED_WORKFLOW_TYPES is not set)" : lines.get(variable + 1),
        AllowedWorkflowTypes.SETTING + " is required for --side target");
  }
}
