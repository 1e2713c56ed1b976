package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamInfo;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.runtime.config.NatsAccess;
import io.xcluster.testkit.contract.ContractRemoteWorkflow;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.testkit.contract.TransportContractTest;
import io.xcluster.testkit.nats.LocalNatsCluster;
import io.xcluster.tracing.ServiceTracing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The NATS coordinator on a 3-node JetStream cluster as production runs it (R3 streams and
 * cancel-marker bucket, {@code sync_interval: always}): the whole contract kit, and the loss of the
 * node that leads the calls stream while calls flow.
 */
class NatsOnJetStreamClusterTest extends TransportContractTest {

  private static final String CALLING_USER = "us-east-calling";
  private static final String TARGET_USER = "eu-west-relay";
  private static final String ADMIN_USER = "xcluster-admin";
  private static final String PASSWORD = "test-only-password";

  /** Coordinator replicas per side, as deploy/k8s runs them. */
  private static final int REPLICAS = 2;

  private LocalNatsCluster nats;
  private NatsSettings settings;
  private List<Replica> replicas = List.of();

  @Override
  protected RunningTransport startTransport(ClusterEndpoint source, ClusterEndpoint target) {
    if (nats == null) {
      assumeTrue(
          LocalNatsCluster.availableForTests(),
          "no nats-server 2.10+ for the cluster: run scripts/install-tools.sh nats-cluster");
      // the streams are an admin's: the sides' users may read them, not create or change them
      NatsSettings shape =
          NatsSettings.defaults("nats://127.0.0.1:4222").withStreamsProvisioned(true);
      nats =
          LocalNatsCluster.startThrowAway(
              List.of(
                  "authorization { users: [",
                  NatsPermissions.provisioner(shape).asUser(ADMIN_USER, PASSWORD) + ",",
                  NatsPermissions.callingSide(shape, source.name(), target.name())
                          .asUser(CALLING_USER, PASSWORD)
                      + ",",
                  NatsPermissions.targetSide(shape, target.name()).asUser(TARGET_USER, PASSWORD),
                  "] }"));
      settings =
          NatsSettings.defaults(nats.url()).withStreamReplicas(3).withStreamsProvisioned(true);
      provisionAsAdmin();
    }
    // each side with its own least-privilege user, as deploy/k8s runs them
    NatsSettings calling =
        settings.withAccess(access(CALLING_USER)).allowing(Set.of(ContractRemoteWorkflow.TYPE));
    NatsSettings relaying =
        settings.withAccess(access(TARGET_USER)).allowing(Set.of(ContractRemoteWorkflow.TYPE));
    List<Replica> started = new ArrayList<>();
    for (int i = 0; i < REPLICAS; i++) {
      started.add(Replica.start(calling, relaying, source, target));
    }
    replicas = started;
    return () -> started.forEach(Replica::kill);
  }

  /**
   * One replica of each side, as one pod of each would be, with connections of its own; the
   * replicas of a side share its durable consumers.
   */
  private record Replica(
      NatsCoordinator callingSide,
      NatsCoordinator relay,
      ClusterConnection sourceConnection,
      ClusterConnection targetConnection) {

    static Replica start(
        NatsSettings calling,
        NatsSettings relaying,
        ClusterEndpoint source,
        ClusterEndpoint target) {
      ClusterConnection targetConnection = ClusterConnection.open(target, Duration.ofSeconds(10));
      ClusterConnection sourceConnection = ClusterConnection.open(source, Duration.ofSeconds(10));
      NatsCoordinator relay =
          NatsCoordinator.start(
              relaying.withAckWait(Duration.ofSeconds(2)),
              null,
              targetConnection,
              target.name(),
              ServiceTracing.disabled());
      NatsCoordinator callingSide =
          NatsCoordinator.start(
              calling, sourceConnection, null, target.name(), ServiceTracing.disabled());
      return new Replica(callingSide, relay, sourceConnection, targetConnection);
    }

    /**
     * As SIGKILL to both pods: the relay's held calls go to the other replica after the ack wait.
     */
    void kill() {
      callingSide.kill();
      relay.kill();
      sourceConnection.closeNow();
      targetConnection.closeNow();
    }
  }

  /** As {@code nats-coordinator --provision-streams} with the admin's credentials. */
  private void provisionAsAdmin() {
    try (Connection connection = NatsConnections.connect(access(ADMIN_USER), "test-provision")) {
      JetStreamTopology.provision(connection, settings);
    } catch (Exception e) {
      throw new IllegalStateException("cannot provision the streams as the admin", e);
    }
  }

  private NatsAccess access(String user) {
    return new NatsAccess(nats.url(), null, user, PASSWORD, null);
  }

  @Override
  protected CallRoute route() {
    return NatsTransportContractTest.quickRoute();
  }

  @AfterAll
  void stopNats() {
    if (nats != null) {
      nats.close();
    }
  }

  @Test
  void everyStreamAndTheCancelMarkersKeepThreeCopiesOnThreeNodes() throws Exception {
    startCaller("replicated", RemoteBehaviour.complete("r"), REMOTE_TIMEOUT).outcome();
    try (Connection connection = NatsConnections.connect(access(TARGET_USER), "test-replicas")) {
      JetStreamManagement management = connection.jetStreamManagement();
      for (String stream :
          List.of(
              settings.callsStream(),
              settings.resultsStream(),
              settings.deadLetterStream(),
              "KV_" + settings.cancelMarkerBucket())) {
        StreamInfo info = management.getStreamInfo(stream);
        assertEquals(3, info.getConfiguration().getReplicas(), stream + " replicas");
        assertEquals(
            2, info.getClusterInfo().getReplicas().size(), stream + " followers beside the leader");
        assertEquals(LocalNatsCluster.CLUSTER_NAME, info.getClusterInfo().getName());
      }
    }
  }

  @Test
  void streamsSetUpAgainWithoutAReplicaCountKeepTheClustersThreeCopies() throws Exception {
    startCaller("kept", RemoteBehaviour.complete("k"), REMOTE_TIMEOUT).outcome();
    NatsSettings withoutCount = NatsSettings.defaults(nats.url()).withAccess(access(ADMIN_USER));
    try (Connection connection = NatsConnections.connect(access(ADMIN_USER), "test-keep")) {
      // what the admin's --provision-streams (or, unprovisioned, every side at start-up) does,
      // here with the setting left at its default
      JetStreamTopology.provision(connection, withoutCount);

      JetStreamManagement management = connection.jetStreamManagement();
      for (String stream : List.of(settings.callsStream(), "KV_" + settings.cancelMarkerBucket())) {
        assertEquals(3, management.getStreamInfo(stream).getConfiguration().getReplicas(), stream);
      }
    }
  }

  @Test
  void callsStreamLeaderKilledMidFlightLosesNoCallAndRunsNoneTwice() throws Exception {
    leaderTakenDownMidFlightLosesNoCallAndRunsNoneTwice("killed", nats::kill);
  }

  /**
   * SIGTERM, as an orchestrator stops a pod: the node steps down from what it leads before it
   * exits, so no election waits out a Raft timeout.
   */
  @Test
  void callsStreamLeaderStoppedMidFlightLosesNoCallAndRunsNoneTwice() throws Exception {
    leaderTakenDownMidFlightLosesNoCallAndRunsNoneTwice(
        "stopped", name -> nats.node(name).process().stop());
  }

  private void leaderTakenDownMidFlightLosesNoCallAndRunsNoneTwice(
      String how, java.util.function.Consumer<String> takeDown) throws Exception {
    List<Caller> callers = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      callers.add(startCaller("leader-lost", RemoteBehaviour.hold("l" + i, 2_000), REMOTE_TIMEOUT));
    }
    awaitCondition(
        "some calls reached eu-west",
        () -> callers.stream().anyMatch(c -> executionsOf(c.remoteWorkflowId()) == 1));
    String leader = leaderOf(settings.callsStream());

    long killed = System.nanoTime();
    takeDown.accept(leader);
    Caller afterLoss =
        startCaller("leader-lost", RemoteBehaviour.complete("after"), REMOTE_TIMEOUT);
    callers.add(afterLoss);
    awaitCondition(
        "the call placed after the loss runs on eu-west",
        () -> executionsOf(afterLoss.remoteWorkflowId()) == 1);
    double startedSeconds = (System.nanoTime() - killed) / 1e9;
    assertEquals(
        "done:after", afterLoss.outcome(Duration.ofMinutes(1)).resultOrThrow(String.class));
    double pauseSeconds = (System.nanoTime() - killed) / 1e9;
    assertEquals(
        1,
        transportActivityAttempts(afterLoss.workflowId()),
        "the publish rode out the election in its first attempt, not in Temporal's back-off");
    // the figure issue 19 asks for: a call placed right after the loss, to its remote start (the
    // calls stream's and relay consumer's new leaders) and to its outcome (the results side's too)
    System.out.printf(
        "calls stream leader %s %s: a call placed right after ran on eu-west %.1f s later and"
            + " completed %.1f s later%n",
        leader, how, startedSeconds, pauseSeconds);
    assertTrue(
        !leader.equals(leaderOf(settings.callsStream())), "another node leads the calls stream");

    nats.startAgain(leader);
    for (int i = 0; i < 30; i++) {
      assertEquals(
          "done:l" + i, callers.get(i).outcome(Duration.ofMinutes(2)).resultOrThrow(String.class));
    }
    for (Caller caller : callers) {
      assertEquals(1, executionsOf(caller.remoteWorkflowId()), caller.remoteWorkflowId());
    }
  }

  @Test
  void oneOfTwoReplicasOfEachSideKilledMidFlightLosesNoCallAndRunsNoneTwice() throws Exception {
    List<Caller> callers = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      callers.add(
          startCaller("replica-lost", RemoteBehaviour.hold("p" + i, 3_000), REMOTE_TIMEOUT));
    }
    awaitCondition(
        "some calls reached eu-west",
        () -> callers.stream().filter(c -> executionsOf(c.remoteWorkflowId()) == 1).count() >= 5);
    // the replica to be killed must hold calls, else nothing is redelivered
    awaitCondition("the first replica holds calls", () -> replicas.get(0).relay().heldCalls() > 0);
    int heldByTheFirst = replicas.get(0).relay().heldCalls();

    replicas.get(0).kill(); // its held calls are redelivered to the other relay after the ack wait

    for (int i = 0; i < callers.size(); i++) {
      assertEquals(
          "done:p" + i, callers.get(i).outcome(Duration.ofMinutes(2)).resultOrThrow(String.class));
      assertEquals(1, executionsOf(callers.get(i).remoteWorkflowId()));
    }
    System.out.printf(
        "replica 1 of %d killed holding %d calls: all %d calls completed once%n",
        REPLICAS, heldByTheFirst, callers.size());
  }

  @Test
  void theCallingSidesCredentialsCannotForgeAnOutcome() throws Exception {
    // the real run holds 5 s: a forged outcome that got through would reach the caller first
    Caller caller = startCaller("forged", RemoteBehaviour.hold("real", 5_000), REMOTE_TIMEOUT);
    awaitCondition("the remote workflow runs", () -> executionsOf(caller.remoteWorkflowId()) == 1);

    byte[] forged =
        io.xcluster.port.call.CallPayloads.toBytes(
            new io.xcluster.port.spi.DeliveredOutcome(
                caller.remoteWorkflowId(),
                io.xcluster.port.call.CallOutcome.completed(
                    com.fasterxml.jackson.databind.node.TextNode.valueOf("forged"))));
    assertPublishRefused(CALLING_USER, settings.resultsSubject("us-east"), forged);
    assertEquals("done:real", caller.outcome().resultOrThrow(String.class));
  }

  @Test
  void neitherSideCanReadTheOthersReplies() throws Exception {
    List<String> serverErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
    String relayInbox = NatsConnections.inboxPrefixFor(TARGET_USER) + ".>";
    try (Connection connection = connectCapturing(CALLING_USER, serverErrors)) {
      connection.subscribe(relayInbox);
      connection.flush(Duration.ofSeconds(2));
      awaitCondition(
          "the server refuses the calling side a subscription to the relay's inbox",
          () ->
              serverErrors.stream()
                  .anyMatch(
                      e ->
                          e.contains("Permissions Violation for Subscription to \"" + relayInbox)));
    }
  }

  @Test
  void neitherSidesCredentialsCanReconfigureAProvisionedStream() throws Exception {
    for (String user : List.of(CALLING_USER, TARGET_USER)) {
      String resultsStream = settings.resultsStream();
      List<String> serverErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
      try (Connection connection = connectCapturing(user, serverErrors)) {
        JetStreamManagement management =
            connection.jetStreamManagement(
                io.nats.client.JetStreamOptions.builder()
                    .requestTimeout(Duration.ofSeconds(2))
                    .build());
        // widening the results stream to take calls too would let a side read or write the other's
        io.nats.client.api.StreamConfiguration widened =
            io.nats.client.api.StreamConfiguration.builder(
                    management.getStreamInfo(resultsStream).getConfiguration())
                .subjects(List.of(settings.prefix() + ".results.>", settings.prefix() + ".>"))
                .build();
        assertThrows(Exception.class, () -> management.updateStream(widened), user);
        awaitCondition(
            "the server reports the permissions violation for " + user,
            () ->
                serverErrors.stream()
                    .anyMatch(
                        e ->
                            e.contains(
                                "Permissions Violation for Publish to \"$JS.API.STREAM.UPDATE."
                                    + resultsStream)));
      }
    }
    try (Connection admin = NatsConnections.connect(access(ADMIN_USER), "test-check")) {
      assertEquals(
          List.of(settings.prefix() + ".results.>"),
          admin
              .jetStreamManagement()
              .getStreamInfo(settings.resultsStream())
              .getConfiguration()
              .getSubjects());
    }
  }

  @Test
  void theTargetSidesCredentialsCannotInjectACall() throws Exception {
    assertPublishRefused(TARGET_USER, settings.callsSubject("eu-west"), "{}".getBytes());
  }

  /**
   * A JetStream publish by {@code user} to {@code subject} gets no acknowledgement, and the server
   * says why: a permissions violation for that subject (not merely a slow answer).
   */
  private void assertPublishRefused(String user, String subject, byte[] body) throws Exception {
    List<String> serverErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Connection connection = connectCapturing(user, serverErrors)) {
      var jetStream =
          connection.jetStream(
              io.nats.client.JetStreamOptions.builder()
                  .requestTimeout(Duration.ofSeconds(2))
                  .build());
      assertThrows(Exception.class, () -> jetStream.publish(subject, body), subject);
      awaitCondition(
          "the server reports the permissions violation for " + subject,
          () ->
              serverErrors.stream()
                  .anyMatch(
                      e -> e.contains("Permissions Violation for Publish to \"" + subject + "\"")));
    }
  }

  /**
   * A connection as {@code user}, with that user's inbox prefix, collecting the server's errors.
   */
  private Connection connectCapturing(String user, List<String> serverErrors) throws Exception {
    return io.nats.client.Nats.connect(
        io.nats.client.Options.builder()
            .servers(nats.url().split(","))
            .userInfo(user, PASSWORD)
            .inboxPrefix(NatsConnections.inboxPrefixFor(user))
            .errorListener(
                new io.nats.client.ErrorListener() {
                  @Override
                  public void errorOccurred(Connection connection, String error) {
                    serverErrors.add(error);
                  }
                })
            .build());
  }

  private String leaderOf(String stream) throws Exception {
    try (Connection connection = NatsConnections.connect(access(TARGET_USER), "test-leader")) {
      return connection.jetStreamManagement().getStreamInfo(stream).getClusterInfo().getLeader();
    }
  }
}
