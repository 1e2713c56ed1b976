package io.xcluster.port.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.TextNode;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.OutcomeKind;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.port.spi.DeliveredOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-call state machine on a time-skipping test server, with a scripted transport on the
 * bridge's protocol ({@code RETURNED_OR_SIGNALED}). With {@code -Dxcluster.recordHistories=DIR}
 * each case also writes its history, which {@link PendingCallReplayTest} replays.
 */
class PendingCallTest {

  private TestWorkflowEnvironment env;
  private ScriptedTransport transport;
  private WorkflowClient client;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    Worker caller = env.newWorker(CallerWorkflow.TASK_QUEUE);
    caller.registerWorkflowImplementationTypes(CallerWorkflow.Impl.class);
    transport = new ScriptedTransport();
    env.newWorker(CallerWorkflow.TRANSPORT_QUEUE).registerActivitiesImplementations(transport);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void handedOverCallTakesItsOutcomeFromTheSignalOnceAndIgnoresTheDuplicate() throws Exception {
    WorkflowStub caller = startCaller("order-1", "handover");
    awaitEvent("call handover (handover allowed)");

    DeliveredOutcome delivered =
        new DeliveredOutcome(
            "us-east:order-1:handover", CallOutcome.completed(TextNode.valueOf("pushed")));
    caller.signal(CallOutcomeDelivery.SIGNAL_NAME, delivered);
    try {
      caller.signal(
          CallOutcomeDelivery.SIGNAL_NAME,
          new DeliveredOutcome(
              "us-east:order-1:handover", CallOutcome.failed("Late", "a duplicate", true)));
    } catch (WorkflowNotFoundException alreadyEnded) {
      // the caller may end on the first signal before the duplicate arrives: nothing to ignore
      // then (OrderWorkflowTest holds its order open to prove the duplicate is ignored)
    }

    assertEquals("pushed", caller.getResult(CallOutcome.class).resultOrThrow(String.class));
    record("call-handed-over-then-signaled", "order-1");
  }

  @Test
  void handedOverCallWhoseSignalNeverComesAsksTheTransportAgainAfterAnHour() throws Exception {
    WorkflowStub caller = startCaller("order-2", "silent");

    CallOutcome outcome = caller.getResult(CallOutcome.class); // the test server skips the hour

    assertEquals("asked again", outcome.resultOrThrow(String.class));
    assertEquals(
        List.of("call silent (handover allowed)", "call silent (handover allowed)"),
        transport.events);
    record("call-answered-by-the-backstop", "order-2");
  }

  @Test
  void cancelingTheCallerSendsTheCancelAtOnceWhileTheTransportStillHoldsTheCall() throws Exception {
    WorkflowStub caller = startCaller("order-3", "held");
    awaitEvent("call held (handover allowed)");

    caller.cancel();

    awaitEvent("held call ends");
    assertEquals(
        List.of("call held (handover allowed)", "cancel held", "held call ends"), transport.events);
    awaitCondition(
        () ->
            caller.describe().getStatus()
                != io.temporal.api.enums.v1.WorkflowExecutionStatus
                    .WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertEquals(
        OutcomeKind.CANCELED,
        client.newWorkflowStub(CallerWorkflow.class, "order-3").seenOutcome().kind());
  }

  @Test
  void callCanceledBetweenAttemptsSettlesWithHowTheEarlierAttemptsRunReallyEnded()
      throws Exception {
    WorkflowStub caller = startCaller("order-4", "lost");
    awaitEvent("call lost (handover allowed)"); // failed: the retry waits its back-off

    caller.cancel();

    CallOutcome seen = awaitSeenOutcome("order-4");
    record("call-canceled-between-attempts", "order-4");
    assertEquals(OutcomeKind.COMPLETED, seen.kind());
    assertEquals("shipped before the cancel", seen.resultOrThrow(String.class));
    assertEquals("call lost (attach only)", transport.events.get(transport.events.size() - 1));
  }

  @Test
  void callCanceledBeforeAnyRunStartedSettlesCanceledWithoutStartingOne() throws Exception {
    WorkflowStub caller = startCaller("order-5", "never-started");
    awaitEvent("call never-started (handover allowed)");

    caller.cancel();

    assertEquals(OutcomeKind.CANCELED, awaitSeenOutcome("order-5").kind());
    assertEquals(1, transport.events.stream().filter(e -> e.endsWith("(attach only)")).count());
  }

  /** The outcome the caller settled with, once its workflow has ended. */
  private CallOutcome awaitSeenOutcome(String workflowId) throws InterruptedException {
    WorkflowStub untyped = client.newUntypedWorkflowStub(workflowId);
    awaitCondition(
        () ->
            untyped.describe().getStatus()
                != io.temporal.api.enums.v1.WorkflowExecutionStatus
                    .WORKFLOW_EXECUTION_STATUS_RUNNING);
    return client.newWorkflowStub(CallerWorkflow.class, workflowId).seenOutcome();
  }

  private WorkflowStub startCaller(String workflowId, String operation) {
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            "CallerWorkflow",
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(CallerWorkflow.TASK_QUEUE)
                .build());
    stub.start(operation);
    return stub;
  }

  private void awaitEvent(String event) throws InterruptedException {
    awaitCondition(() -> transport.events.contains(event));
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 30 s");
      }
      Thread.sleep(50);
    }
  }

  /** Writes the finished execution's history for the replay test, when asked to. */
  private void record(String name, String workflowId) throws Exception {
    String dir = System.getProperty("xcluster.recordHistories");
    if (dir == null) {
      return;
    }
    WorkflowExecutionHistory history = client.fetchHistory(workflowId);
    // the replay test must find the same history the live run produced
    WorkflowReplayer.replayWorkflowExecution(history, CallerWorkflow.Impl.class);
    Files.writeString(Path.of(dir, name + ".json"), history.toJson(true), StandardCharsets.UTF_8);
  }
}
