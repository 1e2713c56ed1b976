package io.xcluster.transport.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import io.temporal.worker.WorkerFactory;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.OutcomeKind;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ConnectionInterceptors;
import io.xcluster.port.remote.LostStartRecheck;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.ContractParties;
import io.xcluster.testkit.contract.ExecutionLedger;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.tracing.ServiceTracing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The failover repair's re-check of the calls a heartbeat-mode bridge holds, on two in-process
 * clusters: the bridge's link to eu-west answers chosen runs' describes NOT_FOUND (the one edge
 * faked: what a new active cluster that never got those starts says). The in-process server cannot
 * fail over or lose a run; {@code ForcedFailoverIT} does both on replicated real servers.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FailoverRepairTest {

  private static final int CALLS = 6;

  private final MissingRuns missing = new MissingRuns();
  private ContractClusters clusters;
  private ClusterConnection source;
  private ClusterConnection target;
  private ClusterConnection bridgeTarget;
  private WorkerFactory sourceWorkers;
  private WorkerFactory targetWorkers;
  private BridgeWorker bridge;

  @BeforeEach
  void start() {
    clusters = ContractClusters.embedded();
    source = clusters.connectSource();
    target = clusters.connectTarget();
    sourceWorkers =
        ContractParties.startCallers(
            source,
            new BridgeTransport()
                .routeTo(ContractClusters.TARGET)
                .withHeartbeatTimeout(Duration.ofSeconds(5)));
    targetWorkers = ContractParties.startRemotes(target);
    bridgeTarget =
        ClusterConnection.open(
            clusters.target(), new ConnectionInterceptors(List.of(missing), List.of()));
    bridge =
        BridgeWorker.start(
            BridgeSettings.between(clusters.source(), clusters.target()),
            source,
            bridgeTarget,
            ServiceTracing.disabled());
  }

  @AfterEach
  void stop() {
    bridge.kill();
    sourceWorkers.shutdownNow();
    targetWorkers.shutdownNow();
    bridgeTarget.closeNow();
    source.closeNow();
    target.closeNow();
    clusters.close();
  }

  @Test
  void aRecheckLetsGoOfCallsWhoseRunIsMissingAndTheirRetryNeverRunsAnExistingRunTwice()
      throws Exception {
    List<ContractParties.StartedCaller> callers = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      callers.add(
          ContractParties.startCaller(
              source.client(),
              "repair-" + UUID.randomUUID(),
              "fulfil",
              RemoteBehaviour.awaitRelease("parcel-" + i),
              Duration.ofMinutes(5)));
    }
    awaitTrue(() -> bridge.inFlightCalls() == CALLS, "every call held");
    for (int i = 0; i < CALLS / 2; i++) {
      missing.runs.add(callers.get(i).remoteWorkflowId());
    }

    LostStartRecheck.Result result = bridge.recheckOpenCalls("a failover, in this test");

    assertEquals(new LostStartRecheck.Result(CALLS, CALLS / 2, 0), result);
    assertEquals(result, bridge.lastRecheck());
    assertEquals(CALLS - CALLS / 2, bridge.inFlightCalls(), "the missing ones let go of");
    // let go of, the missing ones are asked again: their starts under the call id find the runs
    // (which the fake said were missing) and attach to them
    missing.runs.clear();
    awaitTrue(() -> bridge.inFlightCalls() == CALLS, "the let-go calls held again");
    for (ContractParties.StartedCaller caller : callers) {
      target.client().newUntypedWorkflowStub(caller.remoteWorkflowId()).signal("release");
    }
    for (ContractParties.StartedCaller caller : callers) {
      CallOutcome outcome = caller.stub().getResult(60, TimeUnit.SECONDS, CallOutcome.class);
      assertEquals(OutcomeKind.COMPLETED, outcome.kind(), outcome.describe());
      assertEquals(
          1,
          ExecutionLedger.InMemory.executionsOf(caller.remoteWorkflowId()),
          "an existing run is attached to, never run again");
    }
  }

  @Test
  void aRecheckWithNothingOpenChecksNothing() throws InterruptedException {
    assertEquals(LostStartRecheck.Result.NOTHING, bridge.recheckOpenCalls("an idle failover"));
  }

  /** Answers the describes of {@link #runs} NOT_FOUND, as a cluster without them would. */
  private static final class MissingRuns extends WorkflowClientInterceptorBase {
    final Set<String> runs = ConcurrentHashMap.newKeySet();

    @Override
    public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(
        WorkflowClientCallsInterceptor next) {
      return new WorkflowClientCallsInterceptorBase(next) {
        @Override
        public DescribeWorkflowOutput describe(DescribeWorkflowInput input) {
          String id = input.getWorkflowExecution().getWorkflowId();
          if (runs.contains(id)) {
            throw new WorkflowNotFoundException(
                WorkflowExecution.newBuilder().setWorkflowId(id).build(), null, null);
          }
          return super.describe(input);
        }
      };
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what + " within 30 s");
      Thread.sleep(100);
    }
  }
}
