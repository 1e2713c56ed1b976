package io.xcluster.transport.bridge.callback;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Context;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.remote.RemoteOutcomes;
import io.xcluster.port.remote.SignalOnce;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.port.spi.DeliveredOutcome;
import io.xcluster.port.spi.TransportMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads how the call's remote run ended from the target cluster itself and signals the outcome to
 * the calling workflow. The callback's body is not trusted for the outcome: it only says "look
 * now", so both bridge modes report outcomes through the same translation, and a replayed callback
 * can only repeat the true outcome, which the calling cluster drops (one request id per call's
 * outcome) and the calling workflow would ignore anyway.
 */
public final class TemporalOutcomeRelay implements OutcomeRelay {

  private static final Logger log = LoggerFactory.getLogger(TemporalOutcomeRelay.class);

  /** A closed run answers at once; only an open one makes the read wait this long. */
  private static final Duration READ_WAIT = Duration.ofSeconds(2);

  /**
   * How long the signal to the caller may take, retries included (the SDK retries an unreachable
   * cluster for up to a minute). The target cluster gives a callback 10 s
   * (component.callbacks.request.timeout) and counts a timeout like a refusal, so answering "try
   * again" in time costs nothing, while holding on past it keeps an HTTP thread busy for nothing.
   */
  static final Duration SIGNAL_BUDGET = Duration.ofSeconds(5);

  private static final ScheduledExecutorService DEADLINES =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "outcome-relay-deadlines");
            thread.setDaemon(true);
            return thread;
          });

  private final WorkflowClient source;
  private final WorkflowClient target;
  private final TransportMetrics metrics;

  public TemporalOutcomeRelay(
      WorkflowClient source, WorkflowClient target, TransportMetrics metrics) {
    this.source = source;
    this.target = target;
    this.metrics = metrics;
  }

  @Override
  public Relayed relay(CallId callId, Instant remoteStart) {
    Optional<CallOutcome> outcome;
    try {
      outcome = remoteOutcome(callId);
    } catch (TimeoutException stillOpen) {
      return Relayed.RUN_STILL_OPEN;
    }
    if (outcome.isEmpty()) {
      metrics.transportError(TransportMetrics.Stage.FOLLOW);
      return Relayed.UNAVAILABLE;
    }
    try {
      signalWithin(
          SIGNAL_BUDGET,
          // a replayed callback adds no second signal event to the caller's history
          () ->
              SignalOnce.send(
                  source,
                  callId.sourceWorkflowId(),
                  CallOutcomeDelivery.SIGNAL_NAME,
                  CallOutcomeDelivery.outcomeRequestId(callId.value()),
                  new DeliveredOutcome(callId.value(), outcome.get())));
      log.debug("call {}: {} delivered by callback", callId, outcome.get().describe());
      metrics.completed(
          outcome.get().kind(),
          remoteStart == null ? null : Duration.between(remoteStart, Instant.now()));
      return Relayed.DELIVERED;
    } catch (WorkflowNotFoundException callerClosed) {
      // Accepted: the caller has closed and needs nothing; a refusal would only make the target
      // retry.
      log.info(
          "call {}: the caller has closed; dropping its outcome {}",
          callId,
          outcome.get().describe());
      return Relayed.DELIVERED;
    } catch (RuntimeException unreachable) {
      metrics.transportError(TransportMetrics.Stage.DELIVER);
      log.warn("call {}: cannot signal the caller: {}", callId, unreachable.toString());
      return Relayed.UNAVAILABLE;
    }
  }

  /** Runs {@code signal} under a gRPC deadline, which also ends the SDK's retries. */
  private static void signalWithin(Duration budget, Runnable signal) {
    Context.CancellableContext bounded =
        Context.current().withDeadlineAfter(budget.toMillis(), TimeUnit.MILLISECONDS, DEADLINES);
    try {
      bounded.run(signal);
    } finally {
      bounded.cancel(null);
    }
  }

  /**
   * The run's outcome, or empty if the target did not answer — or answered that it has no such run.
   * A run that sent a callback exists: NOT_FOUND is a read that lags the callback (a failover in
   * between, a standby answering), or a run lost in a failover that the repair issues again. Taken
   * as an outcome it would fail the order for good; as empty, the target calls back again.
   */
  private Optional<CallOutcome> remoteOutcome(CallId callId) throws TimeoutException {
    WorkflowStub run =
        target.newUntypedWorkflowStub(callId.value(), Optional.empty(), Optional.empty());
    try {
      return RemoteOutcomes.translate(
          run.getResult(READ_WAIT.toMillis(), TimeUnit.MILLISECONDS, JsonNode.class), null);
    } catch (RuntimeException ended) {
      Optional<CallOutcome> outcome = RemoteOutcomes.translateFollowed(null, ended);
      if (RemoteOutcomes.isRunNotFound(ended)) {
        log.warn(
            "call {}: called back, but the target has no such run (yet): asking it to call"
                + " again",
            callId);
      } else if (outcome.isEmpty()) {
        log.warn(
            "call {}: cannot read the remote outcome: {}",
            callId,
            RemoteOutcomes.unwrap(ended).toString());
      }
      return outcome;
    }
  }
}
