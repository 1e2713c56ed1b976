package io.xcluster.localstack.realstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DeleteWorkflowExecutionRequest;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.OutcomeKind;
import io.xcluster.port.protection.DestinationLimits;
import io.xcluster.testkit.contract.ExecutionLedger;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.transport.bridge.BridgeTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A remote run that vanishes while a transport follows it — what a start lost in a forced
 * failover's replication window looks like from the transport: the run is simply not there on the
 * new active side, and no close event ever comes. Staged on two real servers: the transport's
 * follow of a chosen run is held at its link while the run is terminated and deleted behind its
 * back, then answered NOT_FOUND. Each such call must be started again under its call id and
 * complete — never reported as a failed fulfillment.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class VanishedRemoteRunIT {

  static final int CALLS = 20;
  static final int VANISHED = 10;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {BridgeTransport.NAME, "nats"})
  void aRunThatVanishesWhileFollowedIsStartedAgainUnderItsCallIdAndTheCallCompletes(
      String transport) throws Exception {
    VanishingRuns vanishing = new VanishingRuns(VANISHED);
    try (TransportInThisJvm setup =
        new TransportInThisJvm(transport, DestinationLimits.DEFAULTS, List.of(vanishing))) {
      List<TransportInThisJvm.Call> calls =
          setup.place(CALLS, i -> RemoteBehaviour.awaitRelease("parcel-" + i));
      await("every remote run open", () -> setup.openRuns() == CALLS);
      await("the transport follows each chosen run", () -> vanishing.held().size() == VANISHED);
      List<TransportInThisJvm.Call> lost =
          calls.stream().filter(call -> vanishing.held().contains(call.remoteId())).toList();
      assertEquals(VANISHED, lost.size());
      Map<String, String> firstRuns = new ConcurrentHashMap<>();
      for (TransportInThisJvm.Call call : lost) {
        firstRuns.put(call.remoteId(), runIdOf(setup, call.remoteId()));
        deleteRun(setup, call.remoteId());
      }
      vanishing.answerNotFound();
      await(
          "each vanished call started again under its call id",
          () ->
              lost.stream()
                  .allMatch(
                      call -> {
                        String run = runIdOfOrNull(setup, call.remoteId());
                        return run != null && !run.equals(firstRuns.get(call.remoteId()));
                      }));
      for (TransportInThisJvm.Call call : calls) {
        setup.target.client().newUntypedWorkflowStub(call.remoteId()).signal("release");
      }
      int completed = 0;
      for (TransportInThisJvm.Call call : calls) {
        CallOutcome outcome = call.stub().getResult(2, TimeUnit.MINUTES, CallOutcome.class);
        assertEquals(OutcomeKind.COMPLETED, outcome.kind(), outcome.describe());
        completed++;
      }
      System.out.printf(
          "%s: %d of %d runs vanished while followed; each started again under its call id;"
              + " %d of %d calls completed, none failed%n",
          transport, VANISHED, CALLS, completed, CALLS);
      for (TransportInThisJvm.Call call : lost) {
        assertEquals(
            2,
            ExecutionLedger.InMemory.executionsOf(call.remoteId()),
            "the vanished run and its replacement");
        assertNotEquals(firstRuns.get(call.remoteId()), runIdOf(setup, call.remoteId()));
      }
      for (TransportInThisJvm.Call call : calls) {
        if (!lost.contains(call)) {
          assertEquals(1, ExecutionLedger.InMemory.executionsOf(call.remoteId()), "ran once");
        }
      }
    }
  }

  /**
   * Holds the transport's first follow (result poll) of the first {@code count} runs it follows at
   * its link, then answers those NOT_FOUND: the transport never sees the runs close.
   */
  private static final class VanishingRuns extends WorkflowClientInterceptorBase {
    private final int count;
    private final Map<String, CompletableFuture<?>> holding = new ConcurrentHashMap<>();
    private volatile boolean answered;

    VanishingRuns(int count) {
      this.count = count;
    }

    java.util.Set<String> held() {
      return holding.keySet();
    }

    void answerNotFound() {
      answered = true;
      holding.forEach(
          (id, follow) ->
              follow.completeExceptionally(
                  new WorkflowNotFoundException(
                      WorkflowExecution.newBuilder().setWorkflowId(id).build(),
                      "ContractRemoteWorkflow",
                      null)));
    }

    private synchronized CompletableFuture<?> holdIfChosen(String workflowId) {
      if (answered || holding.size() >= count || holding.containsKey(workflowId)) {
        return null;
      }
      CompletableFuture<?> follow = new CompletableFuture<>();
      holding.put(workflowId, follow);
      return follow;
    }

    @Override
    public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(
        WorkflowClientCallsInterceptor next) {
      return new WorkflowClientCallsInterceptorBase(next) {
        @Override
        @SuppressWarnings("unchecked")
        public <R> GetResultAsyncOutput<R> getResultAsync(GetResultInput<R> input) {
          CompletableFuture<?> follow = holdIfChosen(input.getWorkflowExecution().getWorkflowId());
          if (follow == null) {
            return super.getResultAsync(input);
          }
          return new GetResultAsyncOutput<>((CompletableFuture<R>) follow);
        }
      };
    }
  }

  private static String runIdOf(TransportInThisJvm setup, String workflowId) {
    String run = runIdOfOrNull(setup, workflowId);
    assertTrue(run != null, workflowId + " exists");
    return run;
  }

  private static String runIdOfOrNull(TransportInThisJvm setup, String workflowId) {
    try {
      return setup
          .target
          .client()
          .newUntypedWorkflowStub(workflowId)
          .describe()
          .getRawDescription()
          .getWorkflowExecutionInfo()
          .getExecution()
          .getRunId();
    } catch (WorkflowNotFoundException gone) {
      return null;
    }
  }

  private static void deleteRun(TransportInThisJvm setup, String workflowId)
      throws InterruptedException {
    setup
        .target
        .client()
        .getWorkflowServiceStubs()
        .blockingStub()
        .deleteWorkflowExecution(
            DeleteWorkflowExecutionRequest.newBuilder()
                .setNamespace(setup.target.client().getOptions().getNamespace())
                .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build());
    await("run " + workflowId + " deleted", () -> runIdOfOrNull(setup, workflowId) == null);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what + " within 90 s");
      Thread.sleep(200);
    }
  }
}
