package io.xcluster.transport.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionClient;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.ActivityNotExistsException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.call.OutcomeKind;
import io.xcluster.port.remote.LostStartRecheck;
import io.xcluster.port.remote.RemoteOutcomes;
import io.xcluster.port.remote.RemoteRuns;
import io.xcluster.port.spi.TransportMetrics;
import io.xcluster.runtime.lifecycle.DaemonThreads;
import io.xcluster.tracing.CallSpans;
import io.xcluster.tracing.ServiceTracing;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls this bridge process holds open: each is an async-completed activity whose remote result
 * is awaited with a non-blocking long poll, so 10,000 calls cost 10,000 small objects, not threads.
 * One scheduler thread finds the calls due a heartbeat (which is also how cancellation arrives); a
 * small pool sends the heartbeats, remote cancels and completions, so that one slow RPC never holds
 * up the others.
 */
final class InFlightCalls implements AutoCloseable {

  static final String REMOTE_UNAVAILABLE = "RemoteUnavailable";

  /**
   * Threads for heartbeat, cancel and completion RPCs: enough for ~10k calls on a LAN at 10 s
   * intervals.
   */
  static final int IO_THREADS = 4;

  private static final Logger log = LoggerFactory.getLogger(InFlightCalls.class);
  private static final Duration MIN_HEARTBEAT_INTERVAL = Duration.ofMillis(200);

  private final ActivityCompletionClient completion;
  private final Tracer tracer;
  private final RemoteRuns remote;
  private final Set<Call> calls = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bridge-heartbeat"));
  private final TransportMetrics metrics;
  private final Counter heartbeatFailures;

  private final ExecutorService io =
      Executors.newFixedThreadPool(IO_THREADS, DaemonThreads.named("bridge-io"));

  /** One open call; {@code token} is its activity task token. */
  private static final class Call {
    final byte[] token;
    final CallRequest request;
    final long heartbeatEveryNanos;
    volatile long nextHeartbeatNanos;
    volatile boolean cancelRequested;
    final AtomicBoolean heartbeatPending = new AtomicBoolean();
    final long heldSinceNanos = System.nanoTime();

    /**
     * The activity's trace context: the outcome is reported on another thread, in the same trace.
     */
    final Context traceContext = Context.current();

    Call(byte[] token, CallRequest request, Duration heartbeatEvery) {
      this.token = token;
      this.request = request;
      this.heartbeatEveryNanos = heartbeatEvery.toNanos();
      this.nextHeartbeatNanos = System.nanoTime() + heartbeatEveryNanos;
    }
  }

  InFlightCalls(
      ActivityCompletionClient completion,
      RemoteRuns remote,
      Duration tick,
      ServiceTracing tracing,
      TransportMetrics metrics) {
    this.completion = completion;
    this.remote = remote;
    this.metrics = metrics;
    this.heartbeatFailures =
        metrics.counter(
            "xcluster.bridge.heartbeat.failures",
            "heartbeats of held calls the calling cluster did not take");
    this.tracer = tracing.tracer("io.xcluster.transport.bridge");
    scheduler.scheduleWithFixedDelay(
        this::heartbeatDueCalls, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Holds the call open until {@code remoteRun} ends, heartbeating at a third of {@code
   * heartbeatTimeout}.
   */
  void hold(byte[] token, CallRequest request, WorkflowStub remoteRun, Duration heartbeatTimeout) {
    Duration every =
        heartbeatTimeout.isZero()
            ? BridgeTransport.HEARTBEAT_TIMEOUT.dividedBy(3)
            : heartbeatTimeout.dividedBy(3);
    Call call =
        new Call(
            token,
            request,
            every.compareTo(MIN_HEARTBEAT_INTERVAL) < 0 ? MIN_HEARTBEAT_INTERVAL : every);
    calls.add(call);
    remoteRun
        .getResultAsync(JsonNode.class)
        .whenCompleteAsync((result, error) -> finish(call, result, error), io);
  }

  int size() {
    return calls.size();
  }

  /**
   * The failover repair for held calls: a call whose remote run is missing on the target as it
   * answers now is let go as lost track, and its activity's retry starts the run again under its
   * call id.
   */
  LostStartRecheck.Result recheckRemoteRuns() {
    return LostStartRecheck.recheck(
        calls,
        call -> call.request,
        remote,
        call -> finish(call, null, RemoteOutcomes.vanished(call.request)));
  }

  private void finish(Call call, JsonNode result, Throwable error) {
    if (!calls.remove(call)) {
      return; // given up on (the activity timed out or was completed elsewhere)
    }
    String callId = call.request.callId().value();
    Span span =
        tracer
            .spanBuilder("xcluster.bridge.report-outcome")
            .setParent(call.traceContext)
            .startSpan();
    CallSpans.tag(
        span, call.request.callId(), call.request.target().cluster(), BridgeTransport.NAME);
    try (Scope ignored = span.makeCurrent()) {
      Optional<CallOutcome> outcome = RemoteOutcomes.translateFollowed(result, error);
      outcome.ifPresent(o -> span.setAttribute("xcluster.outcome", o.kind().name()));
      if (outcome.isEmpty()) {
        Throwable cause = RemoteOutcomes.unwrap(error);
        if (RemoteOutcomes.isRunNotFound(error)) {
          log.warn(
              "call {}: its remote run is gone from {} while followed (a start lost in a"
                  + " failover?); the retry starts it again under its call id",
              callId,
              call.request.target().cluster());
        } else {
          log.warn(
              "call {}: lost track of the remote run ({}); the call will be retried",
              callId,
              cause.toString());
        }
        metrics.transportError(TransportMetrics.Stage.FOLLOW);
        completion.completeExceptionally(
            call.token,
            ApplicationFailure.newFailure(
                "lost track of remote run " + callId + ": " + cause.getMessage(),
                REMOTE_UNAVAILABLE));
      } else if (call.cancelRequested && outcome.get().kind() == OutcomeKind.CANCELED) {
        completion.reportCancellation(call.token, null);
        metrics.completed(OutcomeKind.CANCELED, heldFor(call));
        log.info("call {}: remote run canceled as the caller asked; reported canceled", callId);
      } else {
        // Also after a cancel request: a remote run that completed anyway (it shipped before the
        // cancel arrived) must be reported as it is, or the caller would refund a shipped order.
        completion.complete(call.token, outcome.get());
        metrics.completed(outcome.get().kind(), heldFor(call));
        log.debug("call {}: {}", callId, outcome.get().describe());
      }
    } catch (ActivityCompletionException gone) {
      log.info(
          "call {}: could not report the outcome ({}); a retry will attach to the remote run",
          callId,
          gone.toString());
    } catch (RuntimeException unreachable) {
      metrics.transportError(TransportMetrics.Stage.DELIVER);
      // The calling cluster is unreachable: the activity will time out on its heartbeat and be
      // retried, and the retry reads the remote outcome again. Nothing is lost.
      log.warn(
          "call {}: cannot report the outcome to the calling cluster: {}",
          callId,
          unreachable.toString());
    } finally {
      span.end();
    }
  }

  /** From the hold (the remote start or attach a moment before) to now. */
  private static Duration heldFor(Call call) {
    return Duration.ofNanos(System.nanoTime() - call.heldSinceNanos);
  }

  private void heartbeatDueCalls() {
    long now = System.nanoTime();
    for (Call call : calls) {
      if (now - call.nextHeartbeatNanos >= 0 && call.heartbeatPending.compareAndSet(false, true)) {
        call.nextHeartbeatNanos = now + call.heartbeatEveryNanos;
        io.execute(() -> heartbeat(call));
      }
    }
  }

  private void heartbeat(Call call) {
    try {
      completion.heartbeat(call.token, null);
    } catch (ActivityCompletionException e) {
      if (has(e, ActivityCanceledException.class)) {
        if (!call.cancelRequested) {
          call.cancelRequested = true;
          log.info("call {}: the caller canceled; canceling the remote run", call.request.callId());
          requestRemoteCancel(call);
        }
      } else if (has(e, ActivityNotExistsException.class)) {
        calls.remove(call);
        log.info("call {}: the activity is no longer open; letting go", call.request.callId());
      } else {
        heartbeatFailures.increment();
        log.warn(
            "call {}: heartbeat failed, will try again: {}", call.request.callId(), e.toString());
      }
    } catch (RuntimeException unreachable) {
      heartbeatFailures.increment();
      log.warn(
          "call {}: heartbeat failed, will try again: {}",
          call.request.callId(),
          unreachable.toString());
    } finally {
      call.heartbeatPending.set(false);
    }
  }

  private void requestRemoteCancel(Call call) {
    try {
      remote.requestCancel(call.request);
    } catch (RuntimeException e) {
      // the next heartbeat reports the cancellation again, and the cancel is retried
      call.cancelRequested = false;
      log.warn(
          "call {}: cancel request to the remote cluster failed: {}",
          call.request.callId(),
          e.toString());
    }
  }

  /**
   * The SDK reports heartbeat results as exceptions, sometimes wrapped in another completion
   * exception.
   */
  private static boolean has(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Stops at once: open calls are neither completed nor failed; their heartbeats stop, so they move
   * on.
   */
  @Override
  public void close() {
    scheduler.shutdownNow();
    io.shutdownNow();
    calls.clear();
  }
}
