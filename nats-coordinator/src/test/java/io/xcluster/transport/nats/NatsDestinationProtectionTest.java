package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.OutcomeKind;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.protection.DestinationLimits;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.port.spi.CallWaitingNotice;
import io.xcluster.testkit.contract.ContractCallerWorkflow;
import io.xcluster.testkit.contract.ContractParties;
import io.xcluster.testkit.contract.ExecutionLedger;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.testkit.link.CuttableLink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The relay's circuit breaker on two in-process clusters and a real nats-server, the relay's link
 * to eu-west cut at its client: while the breaker is open the calls wait on the stream, eu-west
 * hears one probe per half-open interval, and every call completes once after the link heals.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NatsDestinationProtectionTest {

  private static final Duration HALF_OPEN_AFTER = Duration.ofSeconds(2);

  private final CuttableLink link = new CuttableLink();

  @RegisterExtension
  final RelayBetweenEmbeddedClusters relay =
      new RelayBetweenEmbeddedClusters()
          .relayReachesTargetThrough(link)
          .settings(
              settings -> settings.withLimits(new DestinationLimits(0, 0, 3, HALF_OPEN_AFTER)));

  @Test
  void openBreakerSendsTheTargetOnlyItsProbesAndEveryCallCompletesOnceAfterRecovery()
      throws Exception {
    ClusterConnection source = relay.source();
    NatsCoordinator coordinator = relay.coordinator();
    link.cut();
    List<WorkflowStub> stubs = new ArrayList<>();
    List<String> remoteIds = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ContractParties.StartedCaller started =
          relay.startCaller(
              "nats-protection-" + UUID.randomUUID(),
              // runs 3 s once started: the caller hears "went through" before the outcome
              RemoteBehaviour.hold("parcel-" + i, 3_000));
      stubs.add(started.stub());
      remoteIds.add(started.remoteWorkflowId());
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!coordinator.describeBreaker().orElseThrow().startsWith("open")) {
      assertTrue(System.nanoTime() < deadline, "the breaker opened within 30 s");
      Thread.sleep(100);
    }
    int whenOpened = link.requestsWhileCut();
    Duration cut = Duration.ofSeconds(12);
    Thread.sleep(cut.toMillis());
    int whileOpen = link.requestsWhileCut() - whenOpened;
    long intervals = cut.toMillis() / HALF_OPEN_AFTER.toMillis();
    System.out.printf(
        "NATS relay, open breaker: %d requests reached eu-west in %d half-open intervals (%d"
            + " before it opened), 20 calls waiting on the stream%n",
        whileOpen, intervals, whenOpened);
    // + 1: a probe at each end of the window
    assertTrue(
        whileOpen <= intervals + 1,
        "one probe per half-open interval: " + whileOpen + " in " + intervals + " intervals");

    // the calls left us-east, yet each caller knows why it waits: the relay told it
    for (WorkflowStub stub : stubs) {
      CallWaitingNotice waiting = awaitWaiting(source, stub, notice -> notice != null);
      assertTrue(
          waiting.reason().contains("circuit breaker open")
              || waiting.reason().contains("could not start the call"),
          waiting.reason());
    }

    link.heal();
    for (int i = 0; i < stubs.size(); i++) {
      CallOutcome outcome = stubs.get(i).getResult(90, TimeUnit.SECONDS, CallOutcome.class);
      assertEquals(OutcomeKind.COMPLETED, outcome.kind(), outcome.describe());
      assertEquals(1, ExecutionLedger.InMemory.executionsOf(remoteIds.get(i)), "ran once");
      // and it heard that it waited no longer once its call went through
      assertTrue(
          waitingNoticesSignalled(source, stubs.get(i)).stream()
              .anyMatch(CallWaitingNotice::endsTheWait),
          "a 'went through' notice reached the caller");
    }
    assertEquals("closed", coordinator.describeBreaker().orElseThrow());
  }

  /** The waiting notices signalled to the caller, from its history. */
  private static List<CallWaitingNotice> waitingNoticesSignalled(
      ClusterConnection source, WorkflowStub stub) {
    return source.client().fetchHistory(stub.getExecution().getWorkflowId()).getEvents().stream()
        .filter(HistoryEvent::hasWorkflowExecutionSignaledEventAttributes)
        .map(HistoryEvent::getWorkflowExecutionSignaledEventAttributes)
        .filter(signal -> CallOutcomeDelivery.WAITING_SIGNAL_NAME.equals(signal.getSignalName()))
        .map(
            signal ->
                CallPayloads.fromBytes(
                    signal.getInput().getPayloads(0).getData().toByteArray(),
                    CallWaitingNotice.class))
        .toList();
  }

  /** The caller's {@code waiting} query, asked until {@code until} holds (30 s at most). */
  private static CallWaitingNotice awaitWaiting(
      ClusterConnection source, WorkflowStub stub, Predicate<CallWaitingNotice> until)
      throws InterruptedException {
    ContractCallerWorkflow caller =
        source
            .client()
            .newWorkflowStub(ContractCallerWorkflow.class, stub.getExecution().getWorkflowId());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      CallWaitingNotice notice;
      try {
        notice = caller.waiting();
      } catch (WorkflowNotFoundException ended) {
        notice = null; // ended: waits no longer
      }
      if (until.test(notice)) {
        return notice;
      }
      assertTrue(System.nanoTime() < deadline, "the caller's waiting state within 30 s: " + notice);
      Thread.sleep(100);
    }
  }
}
