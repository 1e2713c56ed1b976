package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.Connection;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.xcluster.testkit.nats.LocalNatsServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streams an admin provisions ({@code --provision-streams}) and sides that only check them ({@code
 * --provisioned-streams}), on a real nats-server. The permissions that keep a side from changing a
 * stream are tested on the 3-node cluster ({@link NatsOnJetStreamClusterTest}).
 */
class ProvisionedStreamsTest {

  private LocalNatsServer nats;
  private Connection connection;
  private NatsSettings settings;

  @BeforeEach
  void startNats() {
    Assumptions.assumeTrue(LocalNatsServer.availableForTests(), "no nats-server");
    nats = LocalNatsServer.startThrowAway();
    connection = NatsConnections.connect(nats.url(), "test-provisioned");
    settings = NatsSettings.defaults(nats.url()).withStreamsProvisioned(true);
  }

  @AfterEach
  void stopNats() throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (nats != null) {
      nats.close();
    }
  }

  @Test
  void aSideFindingNoProvisionedStreamStopsNamingItAndTheFixAndCreatesNothing() throws Exception {
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class, () -> JetStreamTopology.ensure(connection, settings));

    assertTrue(refused.getMessage().contains("stream XCLUSTER_CALLS"), refused.getMessage());
    assertTrue(refused.getMessage().contains("--provision-streams"), refused.getMessage());
    assertEquals(List.of(), connection.jetStreamManagement().getStreamNames());
    IllegalStateException noBucket =
        assertThrows(IllegalStateException.class, () -> CancelMarkers.open(connection, settings));
    assertTrue(
        noBucket.getMessage().contains("cancel-marker bucket XCLUSTER_CANCELED_CALLS"),
        noBucket.getMessage());
  }

  @Test
  void provisioningCreatesEveryStreamAndTheBucketThenUpdatesThemAndTheSidesFindThem()
      throws Exception {
    List<String> first = JetStreamTopology.provision(connection, settings.withStreamReplicas(1));
    List<String> again = JetStreamTopology.provision(connection, settings);

    assertEquals(4, first.size(), first.toString());
    assertTrue(first.stream().allMatch(line -> line.startsWith("created")), first.toString());
    assertTrue(again.stream().allMatch(line -> line.startsWith("updated")), again.toString());
    JetStreamTopology.ensure(connection, settings); // a side's check passes
    CancelMarkers.open(connection, settings);
  }

  @Test
  void aProvisionedStreamDeDuplicatingForLessThanTheSideCountsOnStopsTheSide() throws Exception {
    JetStreamTopology.provision(
        connection, settings.withDuplicateWindow(java.time.Duration.ofSeconds(30)));

    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class, () -> JetStreamTopology.ensure(connection, settings));
    assertTrue(
        refused.getMessage().contains("XCLUSTER_CALLS de-duplicates for PT30S")
            && refused.getMessage().contains("--duplicate-window PT2M"),
        refused.getMessage());
  }

  @Test
  void withoutProvisionedStreamsEachSidesOwnUserSetsThemUpAtStartUp() throws Exception {
    NatsSettings managed = NatsSettings.defaults("nats://127.0.0.1:4222");
    try (LocalNatsServer guarded =
        LocalNatsServer.startThrowAway(
            List.of(
                "authorization { users: [",
                NatsPermissions.callingSide(managed, "us-east", "eu-west").asUser("calling", "pw")
                    + ",",
                NatsPermissions.targetSide(managed, "eu-west").asUser("relay", "pw"),
                "] }"))) {
      for (String user : List.of("calling", "relay")) {
        NatsSettings asUser =
            NatsSettings.defaults(guarded.url())
                .withAccess(
                    new io.xcluster.runtime.config.NatsAccess(
                        guarded.url(), null, user, "pw", null));
        try (Connection side = NatsConnections.connect(asUser.access(), "test-" + user)) {
          // what each side does at start-up when nobody provisioned the streams
          JetStreamTopology.ensure(side, asUser);
          CancelMarkers.open(side, asUser);
        }
      }
      try (Connection check =
          NatsConnections.connect(
              new io.xcluster.runtime.config.NatsAccess(guarded.url(), null, "relay", "pw", null),
              "test-check")) {
        assertEquals(
            4,
            check.jetStreamManagement().getStreamNames().size(),
            "the three streams and the cancel-marker bucket's");
      }
    }
  }

  @Test
  void aProvisionedStreamTakingOtherSubjectsStopsTheSideNamingBoth() throws Exception {
    JetStreamTopology.provision(connection, settings);
    connection
        .jetStreamManagement()
        .updateStream(
            StreamConfiguration.builder()
                .name(settings.resultsStream())
                .subjects("xcluster.results.us-east")
                .storageType(StorageType.File)
                .build());

    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class, () -> JetStreamTopology.ensure(connection, settings));
    assertTrue(
        refused.getMessage().contains("XCLUSTER_RESULTS takes [xcluster.results.us-east]"),
        refused.getMessage());
  }
}
