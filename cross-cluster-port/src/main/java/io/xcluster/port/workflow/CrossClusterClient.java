package io.xcluster.port.workflow;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.CompletablePromise;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CrossClusterCallActivity;
import io.xcluster.port.spi.DeliveredOutcome;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The workflow-side end of the port: create one per workflow execution (as a field), then
 * {@link #call} returns a {@link Promise} of the remote workflow's typed outcome.
 *
 * <p>The route is read from configuration once, at the first call, and recorded in history with
 * {@link Workflow#sideEffect}: flipping the transport setting and restarting workers leaves
 * in-flight executions on the transport they started with. Deterministic; no I/O.
 */
public final class CrossClusterClient {

  /** Slack beyond the remote execution timeout, so the remote timeout (TIMED_OUT) decides first. */
  static final Duration ACTIVITY_TIMEOUT_MARGIN = Duration.ofMinutes(5);
  /** Budget for a transport that only hands the call over (the outcome comes as a signal). */
  static final Duration HANDOVER_TIMEOUT = Duration.ofMinutes(1);
  /** Transport outages are retried without limit; these bound the back-off. */
  static final RetryOptions TRANSPORT_RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofSeconds(30))
          .setMaximumAttempts(0)
          .setDoNotRetry(IllegalArgumentException.class.getName())
          .build();

  /** A transport broke the port's contract, e.g. returned no outcome on an outcome-by-activity route. */
  public static final String TRANSPORT_CONTRACT_VIOLATION = "TransportContractViolation";

  private static final Logger log = Workflow.getLogger(CrossClusterClient.class);

  private final String sourceCluster;
  private final Functions.Func<CallRoute> configuredRoute;
  private final Map<String, CompletablePromise<CallOutcome>> calls = new HashMap<>();
  private final Map<String, CallOutcome> outcomesBeforeCall = new HashMap<>();
  private CallRoute route;

  /**
   * @param sourceCluster the cluster this workflow runs in, first segment of every call id
   * @param configuredRoute read once per execution and recorded; later changes do not affect it
   */
  public CrossClusterClient(String sourceCluster, Functions.Func<CallRoute> configuredRoute) {
    this.sourceCluster = sourceCluster;
    this.configuredRoute = configuredRoute;
  }

  /**
   * Runs {@code target}'s workflow with {@code input} under the call id
   * {@code sourceCluster:thisWorkflowId:operation}. Calling twice with the same operation in one
   * execution returns the same promise: one remote run, one outcome.
   */
  public Promise<CallOutcome> call(String operation, RemoteTarget target, Object input) {
    CallId callId = new CallId(sourceCluster, Workflow.getInfo().getWorkflowId(), operation);
    CompletablePromise<CallOutcome> existing = calls.get(callId.value());
    if (existing != null) {
      return existing;
    }
    CallRoute recorded = route();
    CompletablePromise<CallOutcome> outcome = Workflow.newPromise();
    calls.put(callId.value(), outcome);
    CallOutcome early = outcomesBeforeCall.remove(callId.value());
    if (early != null) {
      outcome.complete(early);
    }

    CallRequest request = new CallRequest(callId, target, CallPayloads.encode(input));
    CrossClusterCallActivity transport =
        Workflow.newActivityStub(CrossClusterCallActivity.class, activityOptions(recorded, target));
    CancellationScope callerScope = CancellationScope.current();
    boolean[] handedOver = {false};
    boolean[] cancelSent = {false};
    Runnable cancelRemoteOnce =
        () -> {
          if (!cancelSent[0]) {
            cancelSent[0] = true;
            cancelRemote(transport, request);
          }
        };
    Async.function(transport::call, request)
        .handle(
            (returned, failure) -> {
              if (outcome.isCompleted()) {
                return null;
              }
              if (failure == null && returned != null) {
                outcome.complete(returned);
              } else if (failure == null && recorded.outcomeByActivity()) {
                outcome.completeExceptionally(
                    ApplicationFailure.newNonRetryableFailure(
                        "transport " + recorded.transport() + " returned no outcome for " + callId
                            + " although its route says it returns one", TRANSPORT_CONTRACT_VIOLATION));
              } else if (failure == null) {
                handedOver[0] = true; // the outcome arrives through CallOutcomeDelivery
                if (callerScope.isCancelRequested()) {
                  cancelRemoteOnce.run();
                }
              } else if (isCancellation(failure) && recorded.outcomeByActivity()) {
                outcome.complete(CallOutcome.canceled());
              } else if (isCancellation(failure)) {
                // Canceled between attempts: an earlier attempt may have handed the call over
                // without saying so. Cancel remotely; the transport reports CANCELED (or, if the
                // remote run finished first, its real outcome) through CallOutcomeDelivery.
                cancelRemoteOnce.run();
              } else if (callerScope.isCancelRequested()) {
                // The transport died while canceling: Temporal does not retry a cancel-requested
                // activity. Make sure the remote run is canceled, then read how it really ended.
                cancelRemoteThenAttach(transport, request, outcome);
              } else {
                outcome.completeExceptionally(failure);
              }
              return null;
            });
    callerScope.getCancellationRequest()
        .thenApply(
            reason -> {
              if (handedOver[0] && !outcome.isCompleted()) {
                cancelRemoteOnce.run();
              }
              return reason;
            });
    return outcome;
  }

  /** Asks the transport to cancel the remote run; its CANCELED outcome then arrives as usual. */
  private static void cancelRemote(CrossClusterCallActivity transport, CallRequest request) {
    Workflow.newDetachedCancellationScope(() -> Async.procedure(transport::cancel, request)).run();
  }

  private static void cancelRemoteThenAttach(
      CrossClusterCallActivity transport, CallRequest request, CompletablePromise<CallOutcome> outcome) {
    Workflow.newDetachedCancellationScope(
            () ->
                Async.function(
                        () -> {
                          transport.cancel(request);
                          return transport.call(request);
                        })
                    .handle(
                        (returned, failure) -> {
                          if (!outcome.isCompleted() && failure != null) {
                            outcome.completeExceptionally(failure);
                          } else if (!outcome.isCompleted() && returned != null) {
                            outcome.complete(returned);
                          }
                          return null;
                        }))
        .run();
  }

  /** The route of this execution, recorded in history at first use. */
  public CallRoute route() {
    if (route == null) {
      route = Workflow.sideEffect(CallRoute.class, configuredRoute);
      Workflow.registerListener(new OutcomeListener());
    }
    return route;
  }

  private static ActivityOptions activityOptions(CallRoute route, RemoteTarget target) {
    Duration startToClose =
        route.outcomeByActivity() ? target.executionTimeout().plus(ACTIVITY_TIMEOUT_MARGIN) : HANDOVER_TIMEOUT;
    return ActivityOptions.newBuilder()
        .setTaskQueue(route.taskQueue())
        .setStartToCloseTimeout(startToClose)
        .setHeartbeatTimeout(route.heartbeatTimeout())
        // the transport learns of cancellation through its heartbeat and cancels the remote run;
        // waiting for its report means "canceled" here really means "canceled there"
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setRetryOptions(TRANSPORT_RETRY)
        .build();
  }

  private static boolean isCancellation(RuntimeException failure) {
    return failure instanceof CanceledFailure
        || (failure instanceof ActivityFailure && failure.getCause() instanceof CanceledFailure);
  }

  private final class OutcomeListener implements CallOutcomeDelivery {
    @Override
    public void deliver(DeliveredOutcome delivered) {
      CompletablePromise<CallOutcome> pending = calls.get(delivered.callId());
      if (pending == null) {
        outcomesBeforeCall.putIfAbsent(delivered.callId(), delivered.outcome());
      } else if (pending.isCompleted()) {
        log.info("ignoring duplicate outcome for call {}", delivered.callId());
      } else {
        pending.complete(delivered.outcome());
      }
    }
  }
}
