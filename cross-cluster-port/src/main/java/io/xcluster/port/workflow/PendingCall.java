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
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CrossClusterCallActivity;
import io.xcluster.port.spi.OutcomeProtocol;
import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * One cross-cluster call inside the calling workflow, as a state machine whose methods are the
 * events: the transport's call activity {@linkplain #transportReturned returned} or {@linkplain
 * #transportFailed failed}, the caller {@linkplain #callerCanceled canceled}, the outcome signal
 * {@linkplain #outcomeDelivered arrived}, the {@linkplain #backstopFired backstop} fired. Whichever
 * brings the outcome first settles the call; later ones change nothing.
 */
final class PendingCall {

  /** Slack beyond the remote execution timeout, so the remote timeout (TIMED_OUT) decides first. */
  static final Duration ACTIVITY_TIMEOUT_MARGIN = Duration.ofMinutes(5);

  /** Budget for a transport that only hands the call over (the outcome comes as a signal). */
  static final Duration HANDOVER_TIMEOUT = Duration.ofMinutes(1);

  /**
   * How long a handed-over call waits for its outcome signal before it asks the transport again.
   */
  static final Duration BACKSTOP_INTERVAL = Duration.ofHours(1);

  /** Transport outages are retried without limit; these bound the back-off. */
  static final RetryOptions TRANSPORT_RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofSeconds(30))
          .setMaximumAttempts(0)
          .setDoNotRetry(IllegalArgumentException.class.getName())
          .build();

  static final String TRANSPORT_CONTRACT_VIOLATION = "TransportContractViolation";

  /**
   * Version marker: the cancel goes out as a call of its own while the transport still holds the
   * call.
   */
  static final String PROMPT_CANCEL_CHANGE = "xcluster-prompt-cancel";

  /**
   * Version marker: a handed-over call asks the transport again if its outcome signal does not
   * come.
   */
  static final String BACKSTOP_CHANGE = "xcluster-outcome-backstop";

  /**
   * Version marker: a call whose activity was canceled before it said whether it handed the call
   * over asks the transport once more, attach-only, how the remote run really ended.
   */
  static final String CANCEL_READS_REMOTE_CHANGE = "xcluster-cancel-reads-remote";

  private enum Phase {
    /** The call activity runs (or waits for a retry). */
    CALLING,
    /** The transport took the call and returned; the outcome will arrive as a signal. */
    HANDED_OVER
  }

  private final CallRoute route;
  private final CallRequest request;

  /** What the backstop asks: the request, or its attach-only form once the caller canceled. */
  private CallRequest asked;

  private final CrossClusterCallActivity transport;
  private final CancellationScope callerScope;
  private final CompletablePromise<CallOutcome> outcome = Workflow.newPromise();
  private final CallCancellationType cancellation;
  private Phase phase = Phase.CALLING;

  /** The cancel request sent to the remote run, once sent: completes when it was delivered. */
  private Promise<Void> cancelRequest;

  private CancellationScope backstopTimer;

  PendingCall(CallRoute route, CallRequest request, CallCancellationType cancellation) {
    this.route = route;
    this.request = request;
    this.cancellation = cancellation;
    this.asked = request;
    this.transport =
        Workflow.newActivityStub(CrossClusterCallActivity.class, activityOptions(route, request));
    this.callerScope = CancellationScope.current();
  }

  Promise<CallOutcome> outcome() {
    return outcome;
  }

  CallRequest request() {
    return request;
  }

  /** Hands the call to the transport and listens for the caller's cancellation. */
  void start() {
    Runnable calling =
        () ->
            Async.function(transport::call, request)
                .handle(
                    (returned, failure) -> {
                      if (failure == null) {
                        transportReturned(returned);
                      } else {
                        transportFailed(failure);
                      }
                      return null;
                    });
    if (cancellation == CallCancellationType.ABANDON) {
      // the caller's cancel must not reach an activity that holds the call: it would cancel the
      // remote run
      Workflow.newDetachedCancellationScope(calling).run();
    } else {
      calling.run();
    }
    callerScope
        .getCancellationRequest()
        .thenApply(
            reason -> {
              callerCanceled();
              return reason;
            });
  }

  /**
   * The call activity completed: with the outcome, or with nothing once it handed the call over.
   */
  void transportReturned(CallOutcome returned) {
    if (outcome.isCompleted()) {
      return;
    }
    if (returned != null) {
      settle(returned);
    } else if (!route.protocol().allowsHandover()) {
      outcome.completeExceptionally(
          ApplicationFailure.newNonRetryableFailure(
              "transport "
                  + route.transport()
                  + " returned no outcome for "
                  + request.callId()
                  + " although its route says it returns one",
              TRANSPORT_CONTRACT_VIOLATION));
    } else {
      phase = Phase.HANDED_OVER; // the outcome arrives through CallOutcomeDelivery
      if (callerScope.isCancelRequested()) {
        sendCancelOnce();
      }
      if (route.protocol() == OutcomeProtocol.RETURNED_OR_SIGNALED) {
        armBackstop();
      }
    }
  }

  /** The call activity failed for good (retries exhausted, or it was canceled). */
  void transportFailed(RuntimeException failure) {
    if (outcome.isCompleted()) {
      return;
    }
    if (isCancellation(failure) && mayHaveHandedOverUnseen() && cancelReadsRemote()) {
      // Canceled before any attempt said how it went: one that died may have started the remote
      // run with a callback, and that run may even have completed (shipped). The cancel goes out;
      // how the run really ended decides, and no run at all means canceled.
      sendCancelOnce();
      attachAfterCancel();
    } else if (isCancellation(failure) && route.protocol().activityMayHoldTheCall()) {
      // The transport reported the remote run canceled, or the activity was canceled before any
      // attempt held the call; the prompt cancel (if any) has already reached an earlier attempt's
      // run.
      settle(CallOutcome.canceled());
    } else if (isCancellation(failure)) {
      // Canceled between attempts: an earlier attempt may have handed the call over without
      // saying so. Cancel remotely; the transport reports CANCELED (or, if the remote run
      // finished first, its real outcome) through CallOutcomeDelivery.
      sendCancelOnce();
    } else if (callerScope.isCancelRequested()
        && mayHaveHandedOverUnseen()
        && cancelReadsRemote()) {
      // The transport died while canceling (Temporal does not retry a cancel-requested activity);
      // as above, without waiting on a cancel of a run that may never have started.
      sendCancelOnce();
      attachAfterCancel();
    } else if (callerScope.isCancelRequested()) {
      // The transport died while canceling: Temporal does not retry a cancel-requested
      // activity. Make sure the remote run is canceled, then read how it really ended.
      cancelRemoteThenAttach();
    } else {
      outcome.completeExceptionally(failure);
    }
  }

  /** The calling workflow's scope around the call was canceled. */
  void callerCanceled() {
    if (outcome.isCompleted()) {
      return;
    }
    switch (cancellation) {
      case ABANDON -> {
        settle(CallOutcome.canceled());
        return;
      }
      case TRY_CANCEL -> {
        sendCancelOnce();
        settle(CallOutcome.canceled());
        return;
      }
      case WAIT_REQUESTED -> {
        // settles when the request is delivered, or earlier if the call settles on its own (no
        // run was ever started, or the outcome came first)
        sendCancelOnce()
            .handle(
                (delivered, failure) -> {
                  if (failure == null) {
                    settle(CallOutcome.canceled());
                  }
                  return null;
                });
        return;
      }
      case WAIT_COMPLETED -> {} // below: the remote run's real end decides
    }
    if (phase == Phase.HANDED_OVER) {
      sendCancelOnce();
    } else if (route.protocol().activityMayHoldTheCall() && promptCancelApplies()) {
      // A transport holding the call would learn of the cancel only at its next heartbeat;
      // sent as a call of its own it reaches the remote run now. The held call then ends with
      // the remote run's real outcome (CANCELED, or COMPLETED if it finished first).
      sendCancelOnce();
    }
  }

  /**
   * The outcome signal arrived (possibly before the call was even made: then the call settles at
   * once).
   */
  void outcomeDelivered(CallOutcome delivered) {
    settle(delivered);
  }

  /** A handed-over call heard nothing for a while: ask the transport for the outcome again. */
  void backstopFired() {
    backstopTimer = null;
    if (outcome.isCompleted()) {
      return;
    }
    askDetached(
        (returned, failure) -> {
          if (failure == null && returned != null) {
            settle(returned);
          } else {
            armBackstop(); // still running (a fresh callback is attached), or an outage
          }
        });
  }

  /**
   * Calls the transport with {@link #asked} outside the caller's scope — never canceled: canceling
   * a call the transport holds would cancel the remote run — and hands the answer to {@code then}
   * unless the call has settled meanwhile.
   */
  private void askDetached(BiConsumer<CallOutcome, RuntimeException> then) {
    Workflow.newDetachedCancellationScope(
            () ->
                Async.function(transport::call, asked)
                    .handle(
                        (returned, failure) -> {
                          if (!outcome.isCompleted()) {
                            then.accept(returned, failure);
                          }
                          return null;
                        }))
        .run();
  }

  private void settle(CallOutcome settled) {
    if (!outcome.isCompleted()) {
      outcome.complete(settled);
    }
    if (backstopTimer != null) {
      backstopTimer.cancel();
      backstopTimer = null;
    }
  }

  private void armBackstop() {
    if (outcome.isCompleted()
        || backstopTimer != null
        || Workflow.getVersion(BACKSTOP_CHANGE, Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION) {
      return;
    }
    // Detached: the backstop must still read the outcome after the caller canceled.
    backstopTimer =
        Workflow.newDetachedCancellationScope(
            () ->
                Workflow.newTimer(BACKSTOP_INTERVAL)
                    .thenApply(
                        fired -> {
                          backstopFired();
                          return fired;
                        }));
    backstopTimer.run();
  }

  /**
   * Whether an attempt of this call activity may have handed the call over (a run started with a
   * callback) without living to say so.
   */
  private boolean mayHaveHandedOverUnseen() {
    return route.protocol() == OutcomeProtocol.RETURNED_OR_SIGNALED;
  }

  private boolean cancelReadsRemote() {
    // Executions recorded before this change settled CANCELED at once.
    return Workflow.getVersion(CANCEL_READS_REMOTE_CHANGE, Workflow.DEFAULT_VERSION, 1) == 1;
  }

  /**
   * Asks the transport, attach-only, how the remote run ended: its outcome if it has, a handover
   * (its callback follows) while it runs, CANCELED if no attempt ever started it. Never starts a
   * run, so it cannot wait on one that will never exist.
   */
  private void attachAfterCancel() {
    asked = request.asAttachOnly();
    askDetached(
        (returned, failure) -> {
          if (failure != null) {
            outcome.completeExceptionally(failure);
          } else if (returned != null) {
            settle(returned);
          } else {
            phase = Phase.HANDED_OVER; // attached: the run reports its end
            armBackstop();
          }
        });
  }

  private boolean promptCancelApplies() {
    // Executions recorded before the prompt cancel existed waited for the transport's heartbeat.
    return route.protocol() == OutcomeProtocol.RETURNED_OR_SIGNALED
        || Workflow.getVersion(PROMPT_CANCEL_CHANGE, Workflow.DEFAULT_VERSION, 1) == 1;
  }

  /** Asks the transport to cancel the remote run; its outcome then arrives as usual. */
  private Promise<Void> sendCancelOnce() {
    if (cancelRequest == null) {
      CompletablePromise<Void> delivered = Workflow.newPromise();
      Workflow.newDetachedCancellationScope(
              () -> delivered.completeFrom(Async.procedure(transport::cancel, request)))
          .run();
      cancelRequest = delivered;
    }
    return cancelRequest;
  }

  private void cancelRemoteThenAttach() {
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
                            settle(returned);
                          }
                          return null;
                        }))
        .run();
  }

  private static ActivityOptions activityOptions(CallRoute route, CallRequest request) {
    Duration startToClose =
        route.protocol().activityMayHoldTheCall()
            ? request.target().executionTimeout().plus(ACTIVITY_TIMEOUT_MARGIN)
            : HANDOVER_TIMEOUT;
    return ActivityOptions.newBuilder()
        .setTaskQueue(route.taskQueue())
        .setStartToCloseTimeout(startToClose)
        .setHeartbeatTimeout(route.heartbeatTimeout())
        // a transport holding the call cancels the remote run when it learns of the cancellation,
        // and reports the run's real end: "canceled" here then really means "canceled there"
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .setRetryOptions(TRANSPORT_RETRY)
        .build();
  }

  private static boolean isCancellation(RuntimeException failure) {
    return failure instanceof CanceledFailure
        || (failure instanceof ActivityFailure && failure.getCause() instanceof CanceledFailure);
  }
}
