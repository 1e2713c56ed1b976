package io.xcluster.localstack.realstack;

import static io.xcluster.localstack.realstack.TransportFaults.assertPassed;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.xcluster.localstack.reliability.FaultRecord;
import io.xcluster.localstack.stack.TransportProcess;
import io.xcluster.testkit.nats.LocalNatsCluster;
import io.xcluster.transport.nats.NatsSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The NATS transport on a 3-node JetStream cluster (R3 streams, {@code sync_interval: always})
 * while its nodes fail: the node leading the calls stream, another node, the whole cluster
 * restarted, and every node killed at once; and while one of two coordinator replicas per side
 * dies. SIGKILL leaves the host's page cache in place, so the last row is not a power cut: what
 * {@code sync_interval: always} adds needs a cut below the page cache (a VM powered off, a
 * fault-injecting file system), which this machine cannot give.
 */
class NatsClusterFaultIT {

  private static final Duration NODE_DOWN = Duration.ofSeconds(10);

  @Test
  void callsStreamLeaderKilledMidFlightLosesAndDuplicatesNothing() throws Exception {
    try (FaultDrill drill = FaultDrill.startOnNatsCluster("nats-leader-killed")) {
      drill.placeOrders();
      drill.awaitFaultMoment();
      String leader = callsStreamLeader(drill.natsCluster());
      drill.natsCluster().kill(leader);
      FaultDrill.pause(NODE_DOWN);
      drill.natsCluster().startAgain(leader);
      assertPassed(
          drill.finish(
              "SIGKILL to the node leading the calls stream ("
                  + leader
                  + " of 3, R3 streams) with a fifth of the fulfillments started, restarted 10 s later",
              0));
    }
  }

  @Test
  void aNodeThatLeadsNoStreamKilledMidFlightLosesAndDuplicatesNothing() throws Exception {
    try (FaultDrill drill = FaultDrill.startOnNatsCluster("nats-follower-killed")) {
      drill.placeOrders();
      drill.awaitFaultMoment();
      String leader = callsStreamLeader(drill.natsCluster());
      String follower =
          drill.natsCluster().nodes().stream()
              .map(LocalNatsCluster.Node::serverName)
              .filter(name -> !name.equals(leader))
              .findFirst()
              .orElseThrow();
      drill.natsCluster().kill(follower);
      FaultDrill.pause(NODE_DOWN);
      drill.natsCluster().startAgain(follower);
      assertPassed(
          drill.finish(
              "SIGKILL to a node not leading the calls stream ("
                  + follower
                  + " of 3) with a fifth of the fulfillments started, restarted 10 s later",
              0));
    }
  }

  @Test
  void wholeNatsClusterRestartedMidFlightLosesAndDuplicatesNothing() {
    try (FaultDrill drill = FaultDrill.startOnNatsCluster("nats-cluster-restarted")) {
      drill.placeOrders();
      drill.awaitFaultMoment();
      drill.natsCluster().nodes().forEach(node -> node.process().stop());
      FaultDrill.pause(Duration.ofSeconds(5));
      drill.natsCluster().startAllAgain();
      drill.recovered();
      assertPassed(
          drill.finish(
              "all three nodes stopped with a fifth of the fulfillments started, started again 5 s"
                  + " later on their stores",
              0));
    }
  }

  @Test
  void everyNatsNodeKilledAtOnceLosesNothingAcknowledged() {
    try (FaultDrill drill = FaultDrill.startOnNatsCluster("nats-all-nodes-killed")) {
      drill.placeOrders();
      drill.awaitFaultMoment();
      drill.natsCluster().killAll();
      FaultDrill.pause(Duration.ofSeconds(5));
      drill.natsCluster().startAllAgain();
      drill.recovered();
      assertPassed(
          drill.finish(
              "SIGKILL to all three nodes at once with a fifth of the fulfillments started, started"
                  + " again 5 s later (the processes die; the host's page cache survives, so fsync"
                  + " is not what this row proves)",
              0));
    }
  }

  @Test
  void oneOfTwoCoordinatorReplicasPerSideKilledMidFlightLosesAndDuplicatesNothing()
      throws Exception {
    try (FaultDrill drill = FaultDrill.startOnNatsCluster("nats-coordinator-replica-killed")) {
      // each coordinator process runs both sides: two processes are two replicas of each
      TransportProcess survivor = drill.startAnotherTransportReplica();
      drill.placeOrders();
      drill.awaitFaultMoment();
      double heldByTheKilled = drill.transportProcess().metricSum("xcluster_calls_held");
      drill.transportProcess().kill();
      // not restarted: the surviving replica is the recovery, from the moment of the kill
      drill.recovered();
      assertTrue(heldByTheKilled > 0, "the killed replica held calls: " + heldByTheKilled);
      FaultRecord row =
          drill.finish(
              "SIGKILL to one of two coordinator processes (each runs a calling-side and a relay"
                  + " replica, sharing the durable consumers) with a fifth of the fulfillments"
                  + " started, not restarted: the other takes over the calls it held after the"
                  + " 30 s ack wait (the last column counts from the kill)",
              0);
      assertPassed(row);
      assertTrue(
          survivor.metricSum("xcluster_nats_redelivered_total") > 0,
          "the surviving replica took over calls the killed one held");
      System.err.printf(
          "nats-coordinator-replica-killed: the killed replica held %.0f calls%n", heldByTheKilled);
    }
  }

  private static String callsStreamLeader(LocalNatsCluster cluster) throws Exception {
    try (Connection connection =
        Nats.connect(new Options.Builder().servers(cluster.url().split(",")).build())) {
      return connection
          .jetStreamManagement()
          .getStreamInfo(NatsSettings.defaults(NatsSettings.DEFAULT_URL).callsStream())
          .getClusterInfo()
          .getLeader();
    }
  }
}
