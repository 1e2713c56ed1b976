package io.xcluster.transport.bridge;

import io.opentelemetry.api.trace.Span;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.failure.ApplicationFailure;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.call.RemoteUpdate;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.protection.DestinationGuard;
import io.xcluster.port.remote.OpenRemoteRuns;
import io.xcluster.port.remote.RemoteRuns;
import io.xcluster.port.spi.CrossClusterCallActivity;
import io.xcluster.port.spi.CrossClusterUpdateActivity;
import io.xcluster.port.spi.TransportMetrics;
import io.xcluster.tracing.CallSpans;
import io.xcluster.transport.bridge.callback.CallbackHandover;
import io.xcluster.transport.bridge.callback.RecentHandovers;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's side of the port. In the callback mode it starts (or attaches to) the remote
 * workflow with a completion callback to the bridge's endpoint and returns: the outcome comes back
 * as a signal, and the bridge holds nothing. In the heartbeat mode (and for callers recorded before
 * they could take a handover) it starts or attaches, frees the activity thread and completes the
 * activity asynchronously when the remote run ends.
 */
final class BridgeCallActivity implements CrossClusterCallActivity, CrossClusterUpdateActivity {

  static final String MISROUTED_CALL = "MisroutedCall";

  private static final Logger log = LoggerFactory.getLogger(BridgeCallActivity.class);

  private final ClusterEndpoint target;
  private final RemoteRuns remote;
  private final InFlightCalls inFlight;
  private final CallbackHandover handover;
  private final TransportMetrics metrics;
  private final OpenRemoteRuns openRuns;
  private final DestinationGuard guard;
  private final RecentHandovers recentHandovers;
  private final AtomicBoolean callbacksRefused = new AtomicBoolean();

  /**
   * @param handover the callback mode, or null for the heartbeat mode: every call is then held
   */
  BridgeCallActivity(
      ClusterEndpoint target,
      RemoteRuns remote,
      InFlightCalls inFlight,
      CallbackHandover handover,
      TransportMetrics metrics,
      OpenRemoteRuns openRuns,
      DestinationGuard guard,
      RecentHandovers recentHandovers) {
    this.guard = guard;
    this.recentHandovers = recentHandovers;
    this.target = target;
    this.remote = remote;
    this.inFlight = inFlight;
    this.handover = handover;
    this.metrics = metrics;
    this.openRuns = openRuns;
  }

  @Override
  public CallOutcome call(CallRequest request) {
    requireOurTarget(request);
    if (Activity.getExecutionContext().getInfo().getAttempt() > 1) {
      metrics.retried();
    }
    // counted from the first call of a type on, so a cap on open calls has its count soon
    openRuns.watch(request.target().workflowType());
    // turned away (a cap, an open breaker): the call waits in Temporal, as a retry with a reason.
    // A call its caller canceled only attaches (it never starts a run): a cap does not hold it.
    Optional<DestinationGuard.Blocked> blocked =
        request.attachOnly() ? guard.admitCancel() : guard.admitStart(request.callId().value());
    if (blocked.isPresent()) {
      throw blocked.get().asFailure();
    }
    try {
      CallOutcome outcome = startOrHandOver(request);
      guard.reached();
      return outcome;
    } catch (RuntimeException failed) {
      // only a cluster that did not answer: a bug must not pass for (and hide behind) an outage
      if (TransportMetrics.isOutage(failed)) {
        metrics.transportError(TransportMetrics.Stage.START);
        guard.unreachable(TransportMetrics.briefly(failed));
      } else if (failed instanceof ApplicationFailure lost
          && CallbackHandover.REMOTE_UNAVAILABLE.equals(lost.getType())) {
        // an outage while reading the run would have surfaced as one above: this says nothing
        // about the target's health, so the breaker is not told
        metrics.transportError(TransportMetrics.Stage.FOLLOW);
      } else {
        guard.reached(); // the target answered (with a refusal): it is there
      }
      throw failed; // the activity retries (or fails, for a misrouted call)
    }
  }

  private CallOutcome startOrHandOver(CallRequest request) {
    CallSpans.tag(
        Span.current(), request.callId(), request.target().cluster(), BridgeTransport.NAME);
    if (request.attachOnly() && !remote.exists(request)) {
      // the caller canceled before any attempt started the run, and no attempt will start it now
      return CallOutcome.canceled();
    }
    if (handover != null && request.handoverAllowed() && !callbacksRefused.get()) {
      try {
        Optional<CallOutcome> known = handover.handOver(request);
        metrics.started();
        openRuns.watch(request.target().workflowType());
        // the run had already ended (its callback lost, or a backstop asking again): the outcome
        // goes back as this activity's result, so it is delivered here
        known.ifPresent(outcome -> metrics.completed(outcome.kind(), null));
        if (known.isEmpty()) {
          recentHandovers.add(request); // what a forced failover soon after could lose
        }
        return known.orElse(null); // null: handed over, the outcome comes by callback
      } catch (CallbackHandover.CallbacksRefused refused) {
        if (callbacksRefused.compareAndSet(false, true)) {
          log.warn(
              "{}; holding calls with heartbeats from now on (list the bridge's callback URL in the target cluster's"
                  + " component.callbacks.allowedAddresses, then restart the bridge)",
              refused.getMessage());
        }
      }
    }
    // Heartbeat mode, or a caller recorded before it could take a handover: hold the call.
    ActivityExecutionContext context = Activity.getExecutionContext();
    var remoteRun = remote.startOrAttach(request);
    metrics.started();
    openRuns.watch(request.target().workflowType());
    context.doNotCompleteOnReturn();
    inFlight.hold(
        context.getTaskToken(), request, remoteRun, context.getInfo().getHeartbeatTimeout());
    return null; // ignored: the activity completes when the remote run ends
  }

  @Override
  public void cancel(CallRequest request) {
    requireOurTarget(request);
    guard
        .admitCancel()
        .ifPresent(
            blocked -> {
              throw blocked.asFailure();
            });
    try {
      remote.requestCancel(request);
      guard.reached();
    } catch (WorkflowNotFoundException e) {
      guard.reached();
      if (hasEnded(request)) {
        return; // the run ended before the cancel came: its outcome stands, nothing is left to
        // cancel
      }
      throw e; // not started yet: the retry finds the run the call is about to start
    } catch (RuntimeException unreachable) {
      metrics.transportError(TransportMetrics.Stage.CANCEL);
      if (TransportMetrics.isOutage(unreachable)) {
        guard.unreachable(TransportMetrics.briefly(unreachable));
      }
      throw unreachable;
    }
  }

  @Override
  public UpdateVerdict update(RemoteUpdate update) {
    requireOurTarget(update.call(), update.target());
    // only the breaker stops an update, as a cancel: caps bound starts, and this starts nothing
    guard
        .admitCancel()
        .ifPresent(
            blocked -> {
              throw blocked.asFailure();
            });
    try {
      UpdateVerdict verdict = awaitVerdict(update);
      guard.reached();
      log.debug("call {}: update {} {}", update.call(), update.updateName(), verdict.describe());
      return verdict;
    } catch (WorkflowNotFoundException notStartedYet) {
      guard.reached();
      throw notStartedYet; // the retry finds the run the call is about to start
    } catch (RuntimeException failed) {
      RuntimeException unreachable =
          failed instanceof CompletionException && failed.getCause() instanceof RuntimeException r
              ? r
              : failed;
      metrics.transportError(TransportMetrics.Stage.UPDATE);
      if (TransportMetrics.isOutage(unreachable)) {
        guard.unreachable(TransportMetrics.briefly(unreachable));
      }
      throw unreachable;
    }
  }

  /**
   * How long one attempt waits for eu-west's verdict: well inside the activity's start-to-close
   * timeout, so a slow target costs a retry (the same update id, answered once), never a thread
   * blocked past its activity.
   */
  static final Duration VERDICT_WAIT = Duration.ofSeconds(40);

  /** The update's RPCs, off the activity thread so that its wait has a deadline. */
  private static final ExecutorService UPDATES =
      Executors.newFixedThreadPool(
          8,
          runnable -> {
            Thread thread = new Thread(runnable, "bridge-updates");
            thread.setDaemon(true);
            return thread;
          });

  private UpdateVerdict awaitVerdict(RemoteUpdate update) {
    try {
      return CompletableFuture.supplyAsync(() -> remote.forward(update), UPDATES)
          .thenCompose(verdict -> verdict)
          .get(VERDICT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException slow) {
      throw ApplicationFailure.newFailure(
          "no verdict from "
              + target.name()
              + " on update "
              + update.updateId()
              + " within "
              + VERDICT_WAIT.toSeconds()
              + " s; asked again under the same update id",
          "UpdateVerdictPending");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while forwarding " + update.updateId(), e);
    } catch (ExecutionException failed) {
      Throwable cause = failed.getCause();
      while (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      throw cause instanceof RuntimeException unchecked
          ? unchecked
          : new IllegalStateException(cause);
    }
  }

  private boolean hasEnded(CallRequest request) {
    try {
      return remote
              .attach(request)
              .describe()
              .getRawDescription()
              .getWorkflowExecutionInfo()
              .getStatus()
          != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (WorkflowNotFoundException notStarted) {
      return false;
    }
  }

  /** A call for another cluster or namespace is a deployment error: fail it loudly, never retry. */
  private void requireOurTarget(CallRequest request) {
    requireOurTarget(request.callId(), request.target());
  }

  private void requireOurTarget(CallId callId, RemoteTarget remoteTarget) {
    if (!remoteTarget.cluster().equals(target.name())
        || !remoteTarget.namespace().equals(target.namespace())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "call "
              + callId
              + " is for "
              + remoteTarget.cluster()
              + "/"
              + remoteTarget.namespace()
              + " but this bridge serves "
              + target.name()
              + "/"
              + target.namespace(),
          MISROUTED_CALL);
    }
  }
}
