package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.runtime.launch.ProcessLaunch;
import io.xcluster.runtime.launch.TransportLaunch;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NatsLauncherTest {

  private final TransportLaunch launch =
      TransportLaunch.between(
              ClusterEndpoint.loopback("us-east", 7233), ClusterEndpoint.loopback("eu-west", 7234))
          .withNatsUrl(NatsSettings.DEFAULT_URL);

  @Test
  void aProcessIsToldTheTypesItsLaunchAllows() {
    ProcessLaunch process = new NatsLauncher().asProcess(launch.allowing(Set.of("Fulfillment")));

    assertTrue(
        containsInOrder(process.args(), "--allow-workflow-type", "Fulfillment"),
        process.args().toString());
  }

  /** A launch's empty set means any type; the coordinator process starts none unless told. */
  @Test
  void aLaunchAllowingAnyTypeSaysSoWithTheWildcard() {
    ProcessLaunch process = new NatsLauncher().asProcess(launch);

    assertTrue(
        containsInOrder(process.args(), "--allow-workflow-type", AllowedWorkflowTypes.ANY),
        process.args().toString());
  }

  private static boolean containsInOrder(List<String> args, String... expected) {
    return Collections.indexOfSubList(args, List.of(expected)) >= 0;
  }
}
