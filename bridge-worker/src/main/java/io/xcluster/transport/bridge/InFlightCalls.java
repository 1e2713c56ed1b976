package io.xcluster.transport.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionClient;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls this bridge process holds open: each is an async-completed activity whose remote
 * result is awaited with a non-blocking long poll, so 10,000 calls cost 10,000 small objects, not
 * threads. One scheduler thread heartbeats them (which is also how cancellation arrives) and a
 * small pool completes them.
 */
final class InFlightCalls implements AutoCloseable {

  static final String REMOTE_UNAVAILABLE = "RemoteUnavailable";
  private static final Logger log = LoggerFactory.getLogger(InFlightCalls.class);
  private static final Duration MIN_HEARTBEAT_INTERVAL = Duration.ofMillis(200);

  private final ActivityCompletionClient completion;
  private final RemoteWorkflowStarter remote;
  private final Set<Call> calls = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(daemon("bridge-heartbeat"));
  private final ExecutorService completions = Executors.newFixedThreadPool(2, daemon("bridge-completion"));

  /** One open call; {@code token} is its activity task token. */
  private static final class Call {
    final byte[] token;
    final CallRequest request;
    final long heartbeatEveryNanos;
    volatile long nextHeartbeatNanos;
    volatile boolean cancelRequested;

    Call(byte[] token, CallRequest request, Duration heartbeatEvery) {
      this.token = token;
      this.request = request;
      this.heartbeatEveryNanos = heartbeatEvery.toNanos();
      this.nextHeartbeatNanos = System.nanoTime() + heartbeatEveryNanos;
    }
  }

  InFlightCalls(ActivityCompletionClient completion, RemoteWorkflowStarter remote, Duration tick) {
    this.completion = completion;
    this.remote = remote;
    heartbeats.scheduleWithFixedDelay(this::heartbeatDueCalls, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Holds the call open until {@code remoteRun} ends, heartbeating at a third of {@code heartbeatTimeout}. */
  void hold(byte[] token, CallRequest request, WorkflowStub remoteRun, Duration heartbeatTimeout) {
    Duration every = heartbeatTimeout.isZero() ? BridgeTransport.HEARTBEAT_TIMEOUT.dividedBy(3) : heartbeatTimeout.dividedBy(3);
    Call call = new Call(token, request, every.compareTo(MIN_HEARTBEAT_INTERVAL) < 0 ? MIN_HEARTBEAT_INTERVAL : every);
    calls.add(call);
    remoteRun.getResultAsync(JsonNode.class).whenCompleteAsync((result, error) -> finish(call, result, error), completions);
  }

  int size() {
    return calls.size();
  }

  private void finish(Call call, JsonNode result, Throwable error) {
    if (!calls.remove(call)) {
      return; // given up on (the activity timed out or was completed elsewhere)
    }
    String callId = call.request.callId().value();
    try {
      if (call.cancelRequested) {
        completion.reportCancellation(call.token, null);
        log.info("call {}: remote run closed after cancellation; reported canceled", callId);
        return;
      }
      Optional<CallOutcome> outcome = OutcomeTranslator.translate(result, error);
      if (outcome.isPresent()) {
        completion.complete(call.token, outcome.get());
        log.debug("call {}: {}", callId, outcome.get().describe());
      } else {
        Throwable cause = OutcomeTranslator.unwrap(error);
        log.warn("call {}: lost track of the remote run ({}); the call will be retried", callId, cause.toString());
        completion.completeExceptionally(
            call.token,
            ApplicationFailure.newFailure(
                "lost track of remote run " + callId + ": " + cause.getMessage(), REMOTE_UNAVAILABLE));
      }
    } catch (ActivityCompletionException gone) {
      log.info("call {}: the activity is no longer open ({}); a retry will attach to the remote run",
          callId, gone.getClass().getSimpleName());
    } catch (RuntimeException unreachable) {
      // The calling cluster is unreachable: the activity will time out on its heartbeat and be
      // retried, and the retry reads the remote outcome again. Nothing is lost.
      log.warn("call {}: cannot report the outcome to the calling cluster: {}", callId, unreachable.toString());
    }
  }

  private void heartbeatDueCalls() {
    long now = System.nanoTime();
    for (Call call : calls) {
      if (now - call.nextHeartbeatNanos < 0) {
        continue;
      }
      call.nextHeartbeatNanos = now + call.heartbeatEveryNanos;
      try {
        completion.heartbeat(call.token, null);
      } catch (ActivityCompletionException e) {
        if (isCancellation(e)) {
          if (!call.cancelRequested) {
            call.cancelRequested = true;
            log.info("call {}: the caller canceled; canceling the remote run", call.request.callId());
            requestRemoteCancel(call);
          }
        } else {
          calls.remove(call);
          log.info("call {}: the activity is no longer open ({}); letting go", call.request.callId(), e.toString());
        }
      } catch (RuntimeException unreachable) {
        log.warn("call {}: heartbeat failed, will try again: {}", call.request.callId(), unreachable.toString());
      }
    }
  }

  /** The SDK reports "cancel requested" as ActivityCanceledException, sometimes wrapped in another completion exception. */
  private static boolean isCancellation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ActivityCanceledException) {
        return true;
      }
    }
    return false;
  }

  private void requestRemoteCancel(Call call) {
    try {
      remote.requestCancel(call.request);
    } catch (RuntimeException e) {
      // retried at the next heartbeat, which reports cancellation again
      call.cancelRequested = false;
      log.warn("call {}: cancel request to the remote cluster failed: {}", call.request.callId(), e.toString());
    }
  }

  /** Stops at once: open calls are neither completed nor failed; their heartbeats stop, so they move on. */
  @Override
  public void close() {
    heartbeats.shutdownNow();
    completions.shutdownNow();
    calls.clear();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
