package io.xcluster.transport.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.WorkerFactory;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.OutcomeKind;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ConnectionInterceptors;
import io.xcluster.port.protection.CircuitBreaker;
import io.xcluster.port.protection.DestinationGuard;
import io.xcluster.port.protection.DestinationLimits;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.ContractParties;
import io.xcluster.testkit.contract.ExecutionLedger;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.testkit.link.CuttableLink;
import io.xcluster.tracing.ServiceTracing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bridge's per-destination protection on two in-process clusters, the link to eu-west cut at
 * the bridge's client (the one edge mocked: a network that refuses every request while cut, and
 * counts them). The cap on open calls needs a target that counts its runs, which the in-process
 * server cannot: {@code DestinationLimitsOnRealServersIT} covers it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DestinationProtectionTest {

  private static final int FAILURES_TO_OPEN = 3;
  private static final Duration HALF_OPEN_AFTER = Duration.ofSeconds(2);

  private final CuttableLink link = new CuttableLink();

  private ContractClusters clusters;
  private ClusterConnection source;
  private ClusterConnection target;
  private ClusterConnection bridgeTarget;
  private WorkerFactory sourceWorkers;
  private WorkerFactory targetWorkers;
  private BridgeWorker bridge;

  @BeforeEach
  void startClusters() {
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
            clusters.target(), new ConnectionInterceptors(List.of(link), List.of()));
  }

  private void startBridge(DestinationLimits limits) {
    bridge =
        BridgeWorker.start(
            BridgeSettings.between(clusters.source(), clusters.target()).withLimits(limits),
            source,
            bridgeTarget,
            ServiceTracing.disabled());
  }

  @AfterEach
  void stop() {
    if (bridge != null) {
      bridge.kill();
    }
    sourceWorkers.shutdownNow();
    targetWorkers.shutdownNow();
    bridgeTarget.closeNow();
    source.closeNow();
    target.closeNow();
    clusters.close();
  }

  @Test
  void openBreakerSendsTheTargetOnlyItsProbesAndEveryCallCompletesOnceAfterRecovery()
      throws Exception {
    startBridge(new DestinationLimits(0, 0, FAILURES_TO_OPEN, HALF_OPEN_AFTER));
    link.cut();
    List<Caller> callers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      callers.add(startCaller(RemoteBehaviour.complete("parcel-" + i)));
    }
    awaitTrue(() -> bridge.breakerState() != CircuitBreaker.State.CLOSED, Duration.ofSeconds(30));
    int whenOpened = link.requestsWhileCut();
    Duration cut = Duration.ofSeconds(12);
    sleep(cut);

    int whileOpen = link.requestsWhileCut() - whenOpened;
    long intervals = cut.toMillis() / HALF_OPEN_AFTER.toMillis();
    System.out.printf(
        "open breaker: %d requests reached eu-west in %d half-open intervals (%d before it"
            + " opened), 20 calls waiting%n",
        whileOpen, intervals, whenOpened);
    assertTrue(
        whileOpen <= intervals + 1,
        "an open breaker sends one probe per half-open interval: "
            + whileOpen
            + " requests in "
            + intervals
            + " intervals (20 calls retrying)");
    // a caller whose last try was a probe shows the outage itself; the others, why they wait
    List<PendingActivityInfo> blocked =
        callers.stream()
            .map(this::pendingCall)
            .filter(
                pending ->
                    DestinationGuard.BLOCKED.equals(
                        pending.getLastFailure().getApplicationFailureInfo().getType()))
            .toList();
    assertTrue(blocked.size() >= 15, blocked.size() + " of 20 calls say they are held back");
    assertTrue(
        blocked.get(0).getLastFailure().getMessage().contains("circuit breaker open"),
        blocked.get(0).getLastFailure().getMessage());

    link.heal();
    for (Caller caller : callers) {
      CallOutcome outcome = caller.stub.getResult(90, TimeUnit.SECONDS, CallOutcome.class);
      assertEquals(OutcomeKind.COMPLETED, outcome.kind(), outcome.describe());
      assertEquals(1, ExecutionLedger.InMemory.executionsOf(caller.remoteId), "ran once");
    }
    assertEquals(CircuitBreaker.State.CLOSED, bridge.breakerState());
  }

  @Test
  void startRateCapSpacesTheStartsAndEveryCallCompletes() throws Exception {
    startBridge(new DestinationLimits(0, 5, FAILURES_TO_OPEN, HALF_OPEN_AFTER));
    List<Caller> callers = new ArrayList<>();
    long began = System.nanoTime();
    for (int i = 0; i < 25; i++) {
      callers.add(startCaller(RemoteBehaviour.complete("parcel-" + i)));
    }
    for (Caller caller : callers) {
      CallOutcome outcome = caller.stub.getResult(90, TimeUnit.SECONDS, CallOutcome.class);
      assertEquals(OutcomeKind.COMPLETED, outcome.kind(), outcome.describe());
      assertEquals(1, ExecutionLedger.InMemory.executionsOf(caller.remoteId), "ran once");
    }
    Duration took = Duration.ofNanos(System.nanoTime() - began);
    // 5 go at once (a second's worth), 20 more at 5 a second: not before 4 s
    assertTrue(took.compareTo(Duration.ofMillis(3_800)) >= 0, "25 starts at 5/s took " + took);
    assertEquals(25, link.startsLetThrough(), "each call reached eu-west with one start");
  }

  private record Caller(String remoteId, WorkflowStub stub) {}

  private Caller startCaller(RemoteBehaviour behaviour) {
    ContractParties.StartedCaller started =
        ContractParties.startCaller(
            source.client(),
            "protection-" + UUID.randomUUID(),
            "fulfil",
            behaviour,
            Duration.ofMinutes(10));
    return new Caller(started.remoteWorkflowId(), started.stub());
  }

  private PendingActivityInfo pendingCall(Caller caller) {
    return caller.stub.describe().getRawDescription().getPendingActivitiesList().stream()
        .filter(PendingActivityInfo::hasLastFailure)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no pending call activity with a failure"));
  }

  private static void awaitTrue(BooleanSupplier condition, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within);
      }
      sleep(Duration.ofMillis(100));
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
