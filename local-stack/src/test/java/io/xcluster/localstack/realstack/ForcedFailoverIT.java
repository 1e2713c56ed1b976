package io.xcluster.localstack.realstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.worker.WorkerFactory;
import io.xcluster.localstack.reliability.FaultRecord;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.TemporalClusterServer;
import io.xcluster.localstack.stack.TemporalDevServer;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.OutcomeKind;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.remote.LostStartRecheck;
import io.xcluster.port.spi.CrossClusterTransports;
import io.xcluster.replication.admin.ClusterAdmin;
import io.xcluster.replication.admin.GlobalNamespaceSpec;
import io.xcluster.runtime.lifecycle.StopSequence;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.ContractParties;
import io.xcluster.testkit.contract.ContractRemoteWorkflow;
import io.xcluster.testkit.contract.ExecutionLedger;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.testkit.nats.LocalNatsServer;
import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.testkit.tools.ToolBinary;
import io.xcluster.testkit.wan.LocalToxiproxy;
import io.xcluster.tracing.ServiceTracing;
import io.xcluster.transport.bridge.BridgeSettings;
import io.xcluster.transport.bridge.BridgeTransport;
import io.xcluster.transport.bridge.BridgeWorker;
import io.xcluster.transport.bridge.callback.CallbackKey;
import io.xcluster.transport.bridge.callback.CallbackSettings;
import io.xcluster.transport.nats.NatsCoordinator;
import io.xcluster.transport.nats.NatsSettings;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A forced failover of eu-west's namespace while its replication lags, on three real servers:
 * us-east (start-dev) and eu-west as two full Temporal servers (eu-west-a active, eu-west-b its
 * standby), their replication link through Toxiproxy. Calls are placed; the link is cut, so the
 * next calls' runs exist on eu-west-a only; eu-west-a is then lost (killed with its workers), the
 * namespace is failed over to eu-west-b by force, and the transport's endpoint for eu-west is moved
 * to eu-west-b, as a DNS name would be. The transport sees the namespace's failover version move,
 * re-checks its open calls there and issues each missing run again under its call id. Every call
 * must complete exactly once on the new active side.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ForcedFailoverIT {

  static final String NAMESPACE = ContractClusters.NAMESPACE;
  static final String ACTIVE = "eu-west-a";
  static final String STANDBY = "eu-west-b";

  /** Placed while replication works (they reach the standby), then while it is cut. */
  static final int REPLICATED = 100;

  static final int IN_THE_WINDOW = 100;

  /**
   * The bridge in its heartbeat mode; plain "bridge" is its default, the callback mode, in which
   * nothing follows a handed-over run, so only the repair finds the lost ones.
   */
  static final String HEARTBEAT_BRIDGE = "bridge-heartbeat";

  /** Which rows: {@value #ROWS_PROPERTY} (comma-separated), else all three. */
  static final String ROWS_PROPERTY = "xcluster.failover.transports";

  /**
   * History shards of both eu-west servers: {@value #SHARDS_PROPERTY}, else 1. More shards finish
   * the new active side's backlog faster after the failover, and replicate (and lose) per shard.
   */
  static final String SHARDS_PROPERTY = "xcluster.failover.shards";

  static int shards() {
    return Integer.getInteger(SHARDS_PROPERTY, 1);
  }

  static List<String> transports() {
    String rows = System.getProperty(ROWS_PROPERTY, "");
    return rows.isBlank()
        ? List.of(BridgeTransport.NAME, HEARTBEAT_BRIDGE, "nats")
        : List.of(rows.split(","));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transports")
  void everyCallCompletesOnceOnTheNewActiveSideAndTheLostStartsAreIssuedAgain(String transport)
      throws Exception {
    assumeTrue(
        ToolBinary.TEMPORAL_SERVER.availableForTests() && LocalToxiproxy.availableForTests(),
        "needs the full server and Toxiproxy: scripts/install-tools.sh temporal-server toxiproxy");
    Path workDir = RealStackTier.workDir("forced-failover-" + transport);
    try (StopSequence stops = new StopSequence(problem -> System.err.println(problem))) {
      TemporalDevServer usEast = TemporalDevServer.start(LocalStack.US_EAST, 0, workDir);
      stops.add(usEast);
      TemporalClusterServer serverA = TemporalClusterServer.start(ACTIVE, 1, workDir, shards());
      stops.add(serverA);
      TemporalClusterServer serverB = TemporalClusterServer.start(STANDBY, 2, workDir, shards());
      stops.add(serverB);
      LocalToxiproxy toxiproxy = LocalToxiproxy.start(workDir);
      stops.add(toxiproxy);
      LocalToxiproxy.Link toA = toxiproxy.link("replication-to-a", serverA.address());
      LocalToxiproxy.Link toB = toxiproxy.link("replication-to-b", serverB.address());
      // what the transport knows as eu-west: a name an operator moves on failover
      LocalToxiproxy.Link euWest = toxiproxy.link("eu-west", serverA.address());

      ClusterAdmin a = ClusterAdmin.connect(serverA.address(), Duration.ofSeconds(30));
      stops.add(a);
      ClusterAdmin b = ClusterAdmin.connect(serverB.address(), Duration.ofSeconds(30));
      stops.add(b);
      a.link(toB.listen(), true);
      b.link(toA.listen(), true);
      await(
          "the clusters list each other",
          () -> lists(a, STANDBY) && lists(b, ACTIVE),
          Duration.ofSeconds(60));
      a.registerGlobalNamespace(
          new GlobalNamespaceSpec(
              NAMESPACE, ACTIVE, List.of(ACTIVE, STANDBY), GlobalNamespaceSpec.MINIMUM_RETENTION));
      await("the standby has the namespace", () -> b.find(NAMESPACE).isPresent(), minutes(1));

      ClusterConnection onA =
          openWhenKnown(new ClusterEndpoint(ACTIVE, serverA.address(), NAMESPACE));
      stops.add(onA::closeNow);
      ClusterConnection onB =
          openWhenKnown(new ClusterEndpoint(STANDBY, serverB.address(), NAMESPACE));
      stops.add(onB::closeNow);
      // eu-west's workers run in both clusters, as recommended: the standby's wait for a failover
      WorkerFactory workersOnA = ContractParties.startRemotes(onA);
      stops.add(workersOnA::shutdownNow);
      WorkerFactory workersOnB = ContractParties.startRemotes(onB);
      stops.add(workersOnB::shutdownNow);

      ClusterConnection source = ClusterConnection.open(usEast.endpoint());
      stops.add(source::closeNow);
      ClusterEndpoint euWestEndpoint =
          new ClusterEndpoint(ContractClusters.TARGET, euWest.listen(), NAMESPACE);
      ClusterConnection target = openWhenKnown(euWestEndpoint);
      stops.add(target::closeNow);
      Supplier<LostStartRecheck.Result> lastRecheck;
      if (transport.startsWith(BridgeTransport.NAME)) {
        BridgeSettings settings = BridgeSettings.between(usEast.endpoint(), euWestEndpoint);
        if (transport.equals(BridgeTransport.NAME)) {
          int port = LoopbackPorts.free();
          settings =
              settings.withCallbacks(
                  CallbackSettings.listeningOn(
                      URI.create("http://127.0.0.1:" + port + "/xcluster/callbacks"),
                      "127.0.0.1:" + port,
                      CallbackKey.of(new SecureRandom().generateSeed(32), "test key"),
                      null));
        }
        BridgeWorker bridge =
            BridgeWorker.start(settings, source, target, ServiceTracing.disabled());
        stops.add(bridge::kill);
        lastRecheck = bridge::lastRecheck;
      } else {
        LocalNatsServer nats = LocalNatsServer.start(workDir);
        stops.add(nats::close);
        NatsCoordinator coordinator =
            NatsCoordinator.start(
                NatsSettings.defaults(nats.url()).allowing(Set.of(ContractRemoteWorkflow.TYPE)),
                source,
                target,
                ContractClusters.TARGET,
                ServiceTracing.disabled());
        stops.add(coordinator::kill);
        lastRecheck = () -> coordinator.lastRecheck().orElse(null);
      }
      WorkerFactory callers =
          ContractParties.startCallers(
              source,
              CrossClusterTransports.named(
                      transport.startsWith(BridgeTransport.NAME) ? BridgeTransport.NAME : transport)
                  .routeTo(ContractClusters.TARGET)
                  .withHeartbeatTimeout(Duration.ofSeconds(30)));
      stops.add(callers::shutdownNow);

      WorkflowClient clientA = onA.client();
      WorkflowClient clientB = onB.client();
      List<TransportInThisJvm.Call> replicated = place(source, REPLICATED, "before");
      await(
          "the first calls run on " + ACTIVE + " and have reached " + STANDBY,
          () ->
              TransportInThisJvm.openRuns(clientA) == REPLICATED
                  && replicated.stream().allMatch(call -> exists(clientB, call.remoteId())),
          minutes(3));
      Thread.sleep(3_000); // their first events after the start replicate too

      toA.cut();
      toB.cut();
      List<TransportInThisJvm.Call> window = place(source, IN_THE_WINDOW, "window");
      await(
          "the calls placed while replication is cut run on " + ACTIVE,
          () -> TransportInThisJvm.openRuns(clientA) == REPLICATED + IN_THE_WINDOW,
          minutes(3));
      long onlyOnA = window.stream().filter(call -> !exists(clientB, call.remoteId())).count();

      // eu-west-a is lost with its workers; eu-west-b is made active by force
      workersOnA.shutdownNow();
      serverA.close();
      Instant failoverAt = Instant.now();
      long failedOver = System.nanoTime();
      b.failover(NAMESPACE, STANDBY);
      euWest.redirect(serverB.address());

      List<TransportInThisJvm.Call> all = new ArrayList<>(replicated);
      all.addAll(window);
      // each run is released as soon as it exists there (a signal to a missing run fails and is
      // sent again): when the last signal went through, every call had its run on eu-west-b
      for (TransportInThisJvm.Call call : all) {
        signalRelease(clientB, call.remoteId());
      }
      long allOnB = System.nanoTime();
      int completed = 0;
      for (TransportInThisJvm.Call call : all) {
        CallOutcome outcome = call.stub().getResult(5, TimeUnit.MINUTES, CallOutcome.class);
        if (outcome.kind() == OutcomeKind.COMPLETED) {
          completed++;
        }
      }
      long lastDone = System.nanoTime();

      int runsOnB = 0;
      int ranTwice = 0;
      int reissued = 0;
      for (TransportInThisJvm.Call call : all) {
        long runs = clientB.countWorkflows("WorkflowId = '" + call.remoteId() + "'").getCount();
        runsOnB += (int) runs;
        ranTwice += runs > 1 ? 1 : 0;
        Instant started =
            Instant.ofEpochMilli(
                clientB
                        .newUntypedWorkflowStub(call.remoteId())
                        .describe()
                        .getRawDescription()
                        .getWorkflowExecutionInfo()
                        .getStartTime()
                        .getSeconds()
                    * 1000);
        reissued += started.isAfter(failoverAt.minusSeconds(1)) ? 1 : 0;
      }
      LostStartRecheck.Result recheck = lastRecheck.get();
      System.out.printf(
          "%s: %d calls, %d placed with replication cut (%d of them only on %s at the failover);"
              + " after the forced failover %d completed, %d run on %s (%d of them issued again"
              + " there), %d ran twice; every call had its run there (and was released) %d s after the failover,"
              + " the last was done %d s after it (each run released as soon as it was there); the repair's"
              + " re-check: %s%n",
          transport,
          all.size(),
          IN_THE_WINDOW,
          onlyOnA,
          ACTIVE,
          completed,
          runsOnB,
          STANDBY,
          reissued,
          ranTwice,
          Duration.ofNanos(allOnB - failedOver).toSeconds(),
          Duration.ofNanos(lastDone - failedOver).toSeconds(),
          recheck == null ? "none seen" : recheck.describe());
      new FaultRecord(
              "forced-failover",
              transport,
              "replication cut, "
                  + onlyOnA
                  + " of "
                  + all.size()
                  + " runs only on the active cluster; it is lost and eu-west fails over to its"
                  + " standby by force; re-issued under their call ids: "
                  + reissued
                  + " ("
                  + (recheck == null ? 0 : recheck.missing())
                  + " found by the repair's re-check of "
                  + (recheck == null ? 0 : recheck.checked())
                  + " open calls, the rest by their follows)",
              all.size(),
              completed,
              (int) all.stream().filter(call -> exists(clientB, call.remoteId())).count(),
              runsOnB,
              0,
              ranTwice,
              all.size() - completed,
              all.size(),
              all.size(),
              Duration.ofNanos(lastDone - failedOver).toSeconds(),
              null,
              Duration.ofNanos(lastDone - failedOver).toSeconds(),
              shards() == 1 ? "replicated" : "replicated-" + shards() + "-shards",
              Duration.ofNanos(allOnB - failedOver).toSeconds())
          .writeTo(FaultRecord.DEFAULT_DIRECTORY);

      assertTrue(onlyOnA > 0, "the failover lost starts (else it missed the window)");
      assertEquals(all.size(), completed, "every call completed");
      assertEquals(all.size(), runsOnB, "one run per call on the new active side");
      assertEquals(0, ranTwice, "no call ran twice there");
      assertTrue(reissued >= onlyOnA, "each lost start issued again: " + reissued);
      for (TransportInThisJvm.Call call : all) {
        assertTrue(ExecutionLedger.InMemory.executionsOf(call.remoteId()) >= 1, call.remoteId());
      }
    }
  }

  private static List<TransportInThisJvm.Call> place(
      ClusterConnection source, int count, String label) {
    List<TransportInThisJvm.Call> calls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ContractParties.StartedCaller started =
          ContractParties.startCaller(
              source.client(),
              "failover-" + label + "-" + UUID.randomUUID(),
              "fulfil",
              RemoteBehaviour.awaitRelease("parcel-" + label + "-" + i),
              Duration.ofMinutes(30));
      calls.add(new TransportInThisJvm.Call(started.remoteWorkflowId(), started.stub()));
    }
    return calls;
  }

  private static boolean lists(ClusterAdmin cluster, String other) {
    return cluster.linkedClusters().stream()
        .anyMatch(linked -> linked.name().equals(other) && linked.connectionEnabled());
  }

  /** Opens a connection once the cluster's frontend knows the namespace (its cache lags). */
  private static ClusterConnection openWhenKnown(ClusterEndpoint endpoint)
      throws InterruptedException {
    ClusterConnection[] opened = new ClusterConnection[1];
    await(
        endpoint.name() + " knows namespace " + NAMESPACE,
        () -> {
          try {
            opened[0] = ClusterConnection.open(endpoint);
            return true;
          } catch (RuntimeException notYet) {
            return false;
          }
        },
        minutes(1));
    return opened[0];
  }

  private static boolean exists(WorkflowClient client, String workflowId) {
    try {
      client.newUntypedWorkflowStub(workflowId).describe();
      return true;
    } catch (WorkflowNotFoundException missing) {
      return false;
    } catch (RuntimeException unreadable) {
      return false;
    }
  }

  private static void signalRelease(WorkflowClient client, String workflowId)
      throws InterruptedException {
    await(
        "release " + workflowId,
        () -> {
          try {
            client.newUntypedWorkflowStub(workflowId).signal("release");
            return true;
          } catch (RuntimeException notYet) {
            return false;
          }
        },
        minutes(4));
  }

  private static Duration minutes(int minutes) {
    return Duration.ofMinutes(minutes);
  }

  private static void await(String what, BooleanSupplier condition, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what + " within " + within.toSeconds() + " s");
      Thread.sleep(250);
    }
  }
}
