package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s/nats.yaml's users are what the code says each needs, for the default settings: a
 * permission added to the code and not to the manifest would fail in production only, as a
 * permissions violation.
 */
class NatsUsersInManifestTest {

  private static final Path MANIFEST = Path.of("..", "deploy", "k8s", "nats.yaml");

  @Test
  void theManifestsNatsUsersAreThePrintedLeastPermissions() throws Exception {
    NatsSettings settings =
        NatsSettings.defaults(NatsSettings.DEFAULT_URL).withStreamsProvisioned(true);
    List<String> expected =
        List.of(
            NatsPermissions.provisioner(settings).asUser("xcluster-admin", "$ADMIN_PASSWORD"),
            NatsPermissions.callingSide(settings, "us-east", "eu-west")
                .asUser("us-east-calling", "$CALLING_PASSWORD"),
            NatsPermissions.targetSide(settings, "eu-west")
                .asUser("eu-west-relay", "$RELAY_PASSWORD"));

    List<String> inManifest =
        Files.readAllLines(MANIFEST).stream()
            .map(String::strip)
            .filter(line -> line.startsWith("{user:"))
            .toList();

    assertEquals(
        expected,
        inManifest,
        "print them again: nats-coordinator --print-nats-permissions --provisioned-streams");
  }
}
