package io.xcluster.port.workflow;

import com.fasterxml.jackson.databind.node.NullNode;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.CompletablePromise;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.CallProgress;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.call.RemoteUpdate;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CallWaitingNotice;
import io.xcluster.port.spi.CrossClusterUpdateActivity;
import io.xcluster.port.spi.DeliveredOutcome;
import io.xcluster.port.spi.DeliveredVerdict;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The workflow-side end of the port: create one per workflow execution (as a field), then {@link
 * #call} returns a {@link Promise} of the remote workflow's typed outcome.
 *
 * <p>The route and this cluster's name are read from configuration once, at the first call, and
 * recorded in history with {@link Workflow#sideEffect}, and so is each call's target: flipping the
 * transport setting, renaming the cluster or moving the target to another namespace and restarting
 * workers leaves in-flight executions on the transport, call ids and remote runs they started with
 * (their cancels, re-asks and forwards included). Each call is a {@link PendingCall}, the state
 * machine that reacts to what the transport, the caller and the outcome signal do. Deterministic;
 * no I/O.
 */
public final class CrossClusterClient {

  /**
   * A transport broke the port's contract, e.g. returned no outcome on an outcome-by-activity
   * route.
   */
  public static final String TRANSPORT_CONTRACT_VIOLATION =
      PendingCall.TRANSPORT_CONTRACT_VIOLATION;

  /**
   * Version marker of the change that records the source cluster and each call's target, beside the
   * route: executions from before it replay reading them from configuration, as they ran.
   */
  static final String CALL_SETTINGS_RECORDED = "xcluster-call-settings-recorded";

  private static final Logger log = Workflow.getLogger(CrossClusterClient.class);

  private final String configuredSourceCluster;
  private String recordedSourceCluster;
  private final Functions.Func<CallRoute> configuredRoute;
  private final Map<String, PendingCall> calls = new HashMap<>();
  private final Map<String, CallOutcome> outcomesBeforeCall = new HashMap<>();
  private final Map<String, CallWaitingNotice> waiting = new HashMap<>();
  private final Map<String, CompletablePromise<UpdateVerdict>> forwardedUpdates = new HashMap<>();
  private final Map<String, UpdateVerdict> verdictsBeforeForward = new HashMap<>();
  private final Map<String, CallProgress> progress = new HashMap<>();
  private CallRoute route;

  /**
   * @param sourceCluster the cluster this workflow runs in, first segment of every call id;
   *     recorded with the route, so renaming the cluster does not change the ids of calls already
   *     made
   * @param configuredRoute read once per execution and recorded; later changes do not affect it
   */
  public CrossClusterClient(String sourceCluster, Functions.Func<CallRoute> configuredRoute) {
    this.configuredSourceCluster = sourceCluster;
    this.configuredRoute = configuredRoute;
  }

  /**
   * Runs {@code target}'s workflow with {@code input} under the call id {@code
   * sourceCluster:thisWorkflowId:operation}. Calling twice with the same operation in one execution
   * returns the same promise: one remote run, one outcome. {@code target} is recorded in history:
   * the call's cancel, re-asks and forwards go where the call went, whatever the configuration says
   * when the execution is replayed.
   */
  public Promise<CallOutcome> call(String operation, RemoteTarget target, Object input) {
    return call(operation, target, input, CallCancellationType.WAIT_COMPLETED);
  }

  /**
   * As {@link #call(String, RemoteTarget, Object)}, with what canceling the caller's scope around
   * the call does: see {@link CallCancellationType}. A second call with the same operation returns
   * the first call's promise, with the first call's cancellation type.
   */
  public Promise<CallOutcome> call(
      String operation, RemoteTarget target, Object input, CallCancellationType cancellation) {
    java.util.Objects.requireNonNull(cancellation, "cancellation");
    // first: it records the source cluster the call id is made of
    CallRoute recorded = route();
    CallId callId = callIdOf(operation);
    PendingCall existing = calls.get(callId.value());
    if (existing != null) {
      return existing.outcome();
    }
    RemoteTarget recordedTarget =
        Workflow.getVersion(CALL_SETTINGS_RECORDED, Workflow.DEFAULT_VERSION, 1) >= 1
            ? Workflow.sideEffect(RemoteTarget.class, () -> target)
            : target;
    CallRequest request =
        new CallRequest(
            callId,
            recordedTarget,
            CallPayloads.encode(input),
            recorded.protocol().allowsHandover());
    PendingCall call = new PendingCall(recorded, request, cancellation);
    calls.put(callId.value(), call);
    CallOutcome early = outcomesBeforeCall.remove(callId.value());
    if (early != null) {
      call.outcomeDelivered(early);
    }
    call.start();
    return call.outcome();
  }

  /**
   * Why the call for {@code operation} waits, as its transport last said (only transports that hold
   * handed-over calls say so); empty when it does not wait, has ended, or was never made. For a
   * query: reads state only.
   */
  public Optional<CallWaitingNotice> waiting(String operation) {
    CallId callId = callIdOf(operation);
    PendingCall pending = calls.get(callId.value());
    CallWaitingNotice notice = waiting.get(callId.value());
    if (pending == null
        || pending.outcome().isCompleted()
        || notice == null
        || notice.endsTheWait()) {
      return Optional.empty();
    }
    return Optional.of(notice);
  }

  /**
   * The newest progress the remote run of the call for {@code operation} reported (see {@link
   * CallProgressReporter}), decoded as {@code type}; empty before the first report or when no such
   * call was made. Kept after the outcome: the last stage reached. For a query: reads state only.
   */
  public <T> Optional<T> progress(String operation, Class<T> type) {
    CallId callId = callIdOf(operation);
    return Optional.ofNullable(progress.get(callId.value())).map(p -> p.progressAs(type));
  }

  /** The newest progress report of the call for {@code operation} as it came, with its number. */
  public Optional<CallProgress> progressReport(String operation) {
    CallId callId = callIdOf(operation);
    return Optional.ofNullable(progress.get(callId.value()));
  }

  /**
   * Forwards the Temporal update {@code updateName} with {@code argument} to the running remote
   * workflow of the call made for {@code operation}, and returns the remote verdict: accepted with
   * the update's result, or rejected with the remote side's reason. The same {@code requestId}
   * always forwards the same update, applied once remotely however often it is sent (the remote
   * cluster deduplicates by the update id derived from it); in one execution it returns the same
   * promise. A transport outage is retried, never a verdict. Rejected at once, without asking
   * anyone, when no such call was made or its outcome is already in.
   */
  public Promise<UpdateVerdict> forwardUpdate(
      String operation, String updateName, String requestId, Object argument) {
    return forward(RemoteUpdate.Kind.UPDATE, operation, updateName, requestId, argument);
  }

  /**
   * Forwards the Temporal signal {@code signalName} with {@code argument} to the running remote
   * workflow of the call made for {@code operation}: fire-and-forget, and delivered once. The same
   * {@code requestId} always forwards the same signal; the remote cluster drops a copy whose
   * request id (derived from the call id and {@code requestId}) it has had, so a retried or
   * redelivered forward arrives once, and in one execution the same promise is returned. The
   * promise completes accepted once the remote cluster has the signal, or rejected when the remote
   * run had ended or no such call was made. A transport outage is retried, never a verdict.
   */
  public Promise<UpdateVerdict> forwardSignal(
      String operation, String signalName, String requestId, Object argument) {
    return forward(RemoteUpdate.Kind.SIGNAL, operation, signalName, requestId, argument);
  }

  /**
   * Reads the state of the remote run of the call made for {@code operation} with its query {@code
   * queryName} (no argument): accepted with the answer as JSON ({@link UpdateVerdict#resultAs}),
   * rejected with {@link UpdateVerdict#QUERY_FAILED} when the remote handler failed, or with {@link
   * UpdateVerdict#UNREACHABLE} when no answer came within {@code timeout} (transport or target
   * down, remote run not started yet). Works on a remote run that has ended, as Temporal does.
   */
  public Promise<UpdateVerdict> queryRemote(String operation, String queryName, Duration timeout) {
    String requestId = Workflow.randomUUID().toString();
    CompletablePromise<UpdateVerdict> answer = Workflow.newPromise();
    long answerBy = Workflow.currentTimeMillis() + timeout.toMillis();
    CancellationScope asking =
        Workflow.newCancellationScope(
            () ->
                answer.completeFrom(
                    forward(
                        RemoteUpdate.Kind.QUERY, operation, queryName, requestId, null, answerBy)));
    asking.run();
    if (answer.isCompleted()) {
      return answer; // rejected at once (no such call): no timer in history
    }
    CancellationScope deadline =
        Workflow.newCancellationScope(
            () ->
                Workflow.newTimer(timeout)
                    .thenApply(
                        fired -> {
                          if (!answer.isCompleted()) {
                            answer.complete(
                                UpdateVerdict.rejected(
                                    UpdateVerdict.UNREACHABLE,
                                    "no answer to query "
                                        + queryName
                                        + " of call "
                                        + operation
                                        + " within "
                                        + timeout.toMillis()
                                        + " ms"));
                            asking.cancel();
                          }
                          return fired;
                        }));
    deadline.run();
    answer.thenApply(
        answered -> {
          deadline.cancel(); // answered in time: the timer goes
          return answered;
        });
    return answer;
  }

  private Promise<UpdateVerdict> forward(
      RemoteUpdate.Kind kind, String operation, String name, String requestId, Object argument) {
    return forward(kind, operation, name, requestId, argument, null);
  }

  private Promise<UpdateVerdict> forward(
      RemoteUpdate.Kind kind,
      String operation,
      String name,
      String requestId,
      Object argument,
      Long answerBy) {
    CallId callId = callIdOf(operation);
    PendingCall pending = calls.get(callId.value());
    if (pending == null) {
      return Workflow.newPromise(
          UpdateVerdict.rejected(
              UpdateVerdict.NO_CALL,
              "no call " + callId + " has been made to " + kind.name().toLowerCase(Locale.ROOT)));
    }
    RemoteUpdate forwarded =
        RemoteUpdate.of(
            kind,
            callId,
            pending.request().target(),
            name,
            requestId,
            argument == null ? NullNode.getInstance() : CallPayloads.encode(argument));
    if (answerBy != null) {
      forwarded = forwarded.answeredBy(answerBy);
    }
    String key = kind + ":" + forwarded.updateId();
    CompletablePromise<UpdateVerdict> known = forwardedUpdates.get(key);
    if (known != null) {
      return known;
    }
    if (kind != RemoteUpdate.Kind.QUERY && pending.outcome().isCompleted()) {
      return Workflow.newPromise(
          UpdateVerdict.rejected(
              UpdateVerdict.REMOTE_RUN_ENDED,
              "the remote run of " + callId + " has already ended"));
    }
    CompletablePromise<UpdateVerdict> verdict = Workflow.newPromise();
    forwardedUpdates.put(key, verdict);
    if (kind != RemoteUpdate.Kind.QUERY) {
      giveUpSoonAfterTheCallEnds(pending, verdict);
    }
    UpdateVerdict early = verdictsBeforeForward.remove(forwarded.updateId());
    if (early != null) {
      verdict.complete(early);
      return verdict;
    }
    CrossClusterUpdateActivity transport =
        Workflow.newActivityStub(CrossClusterUpdateActivity.class, updateOptions(route()));
    Async.function(transport::update, forwarded)
        .handle(
            (returned, failure) -> {
              if (verdict.isCompleted()) {
                return null;
              }
              if (failure != null && notRegistered(failure)) {
                verdict.complete(
                    UpdateVerdict.rejected(
                        UpdateVerdict.NOT_SUPPORTED,
                        "transport " + route().transport() + " does not forward updates"));
              } else if (failure != null) {
                verdict.completeExceptionally(failure);
              } else if (returned != null) {
                verdict.complete(returned);
              } // else handed over: the verdict signal completes it
              return null;
            });
    return verdict;
  }

  /**
   * How long a forwarded update may still wait for its verdict once the call's outcome is in: a
   * verdict on its way (a signal behind the outcome) gets there; one that never comes (the remote
   * run never started, or ended first) does not keep the caller waiting for ever.
   */
  static final Duration VERDICT_GRACE_AFTER_OUTCOME = Duration.ofMinutes(1);

  private static void giveUpSoonAfterTheCallEnds(
      PendingCall pending, CompletablePromise<UpdateVerdict> verdict) {
    pending
        .outcome()
        .handle(
            (outcome, failure) -> {
              if (!verdict.isCompleted()) {
                Workflow.newTimer(VERDICT_GRACE_AFTER_OUTCOME)
                    .thenApply(
                        fired -> {
                          if (!verdict.isCompleted()) {
                            verdict.complete(
                                UpdateVerdict.rejected(
                                    UpdateVerdict.REMOTE_RUN_ENDED,
                                    "the call ended and no verdict on the update came within "
                                        + VERDICT_GRACE_AFTER_OUTCOME.toSeconds()
                                        + " s"));
                          }
                          return fired;
                        });
              }
              return null;
            });
  }

  /** The transport's worker has no {@link CrossClusterUpdateActivity} (an older release). */
  private static boolean notRegistered(RuntimeException failure) {
    return failure instanceof ActivityFailure
        && failure.getCause() instanceof ApplicationFailure cause
        && IllegalArgumentException.class.getName().equals(cause.getType())
        && String.valueOf(cause.getOriginalMessage()).contains("not registered");
  }

  private static ActivityOptions updateOptions(CallRoute route) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(route.taskQueue())
        .setStartToCloseTimeout(PendingCall.HANDOVER_TIMEOUT)
        .setRetryOptions(PendingCall.TRANSPORT_RETRY)
        .build();
  }

  /** The route of this execution, recorded in history at first use. */
  public CallRoute route() {
    if (route == null) {
      route = Workflow.sideEffect(CallRoute.class, configuredRoute);
      if (Workflow.getVersion(CALL_SETTINGS_RECORDED, Workflow.DEFAULT_VERSION, 1) >= 1) {
        recordedSourceCluster = Workflow.sideEffect(String.class, () -> configuredSourceCluster);
      }
      Workflow.registerListener(new OutcomeListener());
    }
    return route;
  }

  /**
   * The id of this execution's call for {@code operation}: under the source cluster recorded with
   * the route (the configured one before anything was recorded, and in executions from before the
   * recording).
   */
  private CallId callIdOf(String operation) {
    String sourceCluster =
        recordedSourceCluster != null ? recordedSourceCluster : configuredSourceCluster;
    return new CallId(sourceCluster, Workflow.getInfo().getWorkflowId(), operation);
  }

  private final class OutcomeListener implements CallOutcomeDelivery {
    @Override
    public void deliver(DeliveredOutcome delivered) {
      PendingCall pending = calls.get(delivered.callId());
      if (pending == null) {
        outcomesBeforeCall.putIfAbsent(delivered.callId(), delivered.outcome());
      } else if (pending.outcome().isCompleted()) {
        log.info("ignoring duplicate outcome for call {}", delivered.callId());
      } else {
        pending.outcomeDelivered(delivered.outcome());
      }
      waiting.remove(delivered.callId());
    }

    @Override
    public void verdict(DeliveredVerdict delivered) {
      CompletablePromise<UpdateVerdict> verdict = forwardedTo(delivered.updateId());
      if (verdict == null) {
        verdictsBeforeForward.putIfAbsent(delivered.updateId(), delivered.verdict());
      } else if (!verdict.isCompleted()) {
        verdict.complete(delivered.verdict());
      }
    }

    /** The forward awaiting this id's verdict, whichever its kind. */
    private CompletablePromise<UpdateVerdict> forwardedTo(String id) {
      for (RemoteUpdate.Kind kind : RemoteUpdate.Kind.values()) {
        CompletablePromise<UpdateVerdict> verdict = forwardedUpdates.get(kind + ":" + id);
        if (verdict != null) {
          return verdict;
        }
      }
      return null;
    }

    @Override
    public void progress(CallProgress report) {
      // state for queries only, no command: replays the same whatever order reports come in
      progress.merge(
          report.call(), report, (held, other) -> other.isNewerThan(held) ? other : held);
    }

    @Override
    public void waiting(CallWaitingNotice notice) {
      PendingCall pending = calls.get(notice.callId());
      if (pending != null && pending.outcome().isCompleted()) {
        return; // the outcome is in: it waits no longer
      }
      // state for the status only, no command: replays the same whatever order notices come in
      waiting.merge(
          notice.callId(), notice, (held, other) -> other.isNewerThan(held) ? other : held);
    }
  }
}
