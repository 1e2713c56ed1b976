package io.xcluster.transport.nats;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.remote.LostStartRecheck;
import io.xcluster.port.remote.RemoteOutcomes;
import io.xcluster.port.remote.RemoteRuns;
import io.xcluster.port.spi.DeliveredOutcome;
import io.xcluster.port.spi.TransportMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls whose remote run the relay follows, each message held — kept alive with in-progress
 * acks, acknowledged only once the run's outcome is durably published to the results stream. An
 * outcome the broker will not take now is tried again within {@link #OUTCOME_PUBLISH_BUDGET}; one
 * it will never take is dead-lettered with the outcome attached.
 */
final class HeldCalls {

  // the relay's logger: these lines were always the relay's, and log settings name it
  private static final Logger log = LoggerFactory.getLogger(CallRelay.class);

  /**
   * How long an outcome may keep failing to publish while the broker answers before it is
   * dead-lettered with the outcome attached: long enough for JetStream to recover its streams after
   * a restart, short enough that a subject nobody stores does not hold its call for ever. (While
   * the broker is unreachable, a dead letter cannot be written either: the call is then redelivered
   * and attaches to the same run, so a long broker outage loses nothing.)
   */
  static final Duration OUTCOME_PUBLISH_BUDGET = Duration.ofMinutes(2);

  /**
   * Held calls by stream sequence: a redelivery of a held call replaces its message, no second
   * wait.
   */
  private final Map<Long, HeldCall> held = new ConcurrentHashMap<>();

  private final OutcomeReplies replies;
  private final DeadLetters deadLetters;
  private final TransportMetrics metrics;
  private final RelaySpans spans;
  private final OutageLog targetOutage;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService io;
  private final OutageLog publishTrouble = new OutageLog(log, "publishing outcomes");
  private final OutageLog keepAliveTrouble =
      new OutageLog(log, "keeping held calls alive (in-progress acks)");

  /**
   * {@code targetOutage} is the relay's log of the target cluster's outage, which losing track of a
   * followed run adds to; {@code io} publishes outcomes, {@code scheduler} times their retries.
   */
  HeldCalls(
      OutcomeReplies replies,
      DeadLetters deadLetters,
      TransportMetrics metrics,
      RelaySpans spans,
      OutageLog targetOutage,
      ScheduledExecutorService scheduler,
      ExecutorService io) {
    this.replies = replies;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.spans = spans;
    this.targetOutage = targetOutage;
    this.scheduler = scheduler;
    this.io = io;
  }

  int size() {
    return held.size();
  }

  /** The call held under stream sequence {@code sequence}, or null. */
  HeldCall get(long sequence) {
    return held.get(sequence);
  }

  /** Holds {@code call} until {@code outcome}, its remote run's result, is published. */
  void holdUntilPublished(HeldCall call, CompletableFuture<JsonNode> outcome) {
    held.put(call.sequence, call);
    outcome.whenCompleteAsync((result, error) -> publishOutcome(call, result, error), io);
    keepAlive(call.message(), call.request());
  }

  /**
   * The failover repair for held calls: a call whose remote run is missing on the target as it
   * answers now is let go as lost track, and its redelivery starts the run again under its call id.
   */
  LostStartRecheck.Result recheck(RemoteRuns remoteRuns) {
    return LostStartRecheck.recheck(
        held.values(),
        HeldCall::request,
        remoteRuns,
        call -> publishOutcome(call, null, RemoteOutcomes.vanished(call.request())));
  }

  /**
   * Outcome publications failed in a row right now (0 when publishing works): what a metric would
   * show.
   */
  long outcomePublishFailures() {
    return publishTrouble.failuresSinceOk();
  }

  /**
   * A failed attempt to publish {@code outcome}: tried again with back-off while the budget lasts,
   * then dead-lettered with the outcome attached, so the call is neither held nor retried for ever.
   */
  private void retryOrDeadLetter(
      HeldCall call, JsonNode result, Throwable error, CallOutcome outcome, Exception failure) {
    publishTrouble.failed(
        "outcome of " + call.request().callId() + " to " + call.replySubject(), failure.toString());
    if (call.publishFailures++ == 0) {
      call.failingSinceNanos = System.nanoTime();
    }
    if (System.nanoTime() - call.failingSinceNanos >= OUTCOME_PUBLISH_BUDGET.toNanos()) {
      deadLetterWithOutcome(
          call,
          outcome,
          "the outcome could not be published to "
              + call.replySubject()
              + " in "
              + OUTCOME_PUBLISH_BUDGET.toSeconds()
              + " s ("
              + call.publishFailures
              + " attempts): "
              + failure);
      return;
    }
    Duration delay = RetryDelay.after(call.publishFailures);
    scheduler.schedule(
        () -> io.execute(() -> publishOutcome(call, result, error)),
        delay.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Gives up on publishing: the call message goes to the dead letters with the outcome as its body.
   */
  private void deadLetterWithOutcome(HeldCall call, CallOutcome outcome, String reason) {
    held.remove(call.sequence, call);
    String callId = call.request().callId().value();
    log.error("call {}: outcome {} dead-lettered: {}", callId, outcome.kind(), reason);
    deadLetters.deadLetter(
        call.message(),
        "outcomes",
        reason,
        CallPayloads.toBytes(new DeliveredOutcome(callId, outcome)));
  }

  private void publishOutcome(HeldCall call, JsonNode result, Throwable error) {
    if (held.get(call.sequence) != call) {
      return;
    }
    Optional<CallOutcome> outcome = RemoteOutcomes.translateFollowed(result, error);
    if (outcome.isEmpty()) {
      // lost track of the remote run (target cluster unreachable, or the run vanished): let
      // JetStream redeliver; the next delivery attaches to the same run, or starts it again
      if (RemoteOutcomes.isRunNotFound(error)) {
        log.warn(
            "call {}: its remote run is gone from the target while followed (a start lost in a"
                + " failover?); the redelivery starts it again under its call id",
            call.request().callId());
      }
      if (!held.remove(call.sequence, call)) {
        return; // taken by another path meanwhile (its follow's answer, or a re-check)
      }
      metrics.transportError(TransportMetrics.Stage.FOLLOW);
      targetOutage.failed(
          "following call " + call.request().callId(), RemoteOutcomes.unwrap(error).toString());
      call.message().nakWithDelay(RetryDelay.after(targetOutage.failuresSinceOk()));
      return;
    }
    String callId = call.request().callId().value();
    Span span = spans.publishing("xcluster.nats.publish-outcome", call);
    span.setAttribute("xcluster.outcome", outcome.get().kind().name());
    try (Scope ignored = span.makeCurrent()) {
      publishOrReportUndeliverable(call, outcome.get());
      publishTrouble.succeeded();
      metrics
          .counter(
              "xcluster.nats.published",
              "messages published to JetStream, by kind",
              "kind",
              "results")
          .increment();
      held.remove(call.sequence, call);
      call.message().ack();
      log.debug("call {}: outcome {} published", callId, outcome.get().kind());
    } catch (JetStreamApiException refused) {
      if (ElectionTolerantPublisher.isTransient(refused)) {
        // retried; any other 4xx is dead-lettered
        metrics.transportError(TransportMetrics.Stage.DELIVER);
        // the broker answered "not now" (a leader election, a full stream draining, another
        // relay's copy of this outcome being stored): within budget
        retryOrDeadLetter(call, result, error, outcome.get(), refused);
      } else {
        // the broker refused the message itself (e.g. larger than the stream allows): asking
        // again will not help
        deadLetterWithOutcome(
            call,
            outcome.get(),
            "JetStream refused the outcome on "
                + call.replySubject()
                + ": "
                + refused.getMessage());
      }
    } catch (Exception failed) {
      metrics.transportError(TransportMetrics.Stage.DELIVER);
      retryOrDeadLetter(call, result, error, outcome.get(), failed);
    } finally {
      span.end();
    }
  }

  /**
   * Publishes the outcome; if the outcome itself cannot travel (e.g. larger than the server's max
   * payload) — not an outage — tells the caller so, as a typed failure, instead of retrying.
   */
  private void publishOrReportUndeliverable(HeldCall call, CallOutcome outcome) throws Exception {
    String callId = call.request().callId().value();
    try {
      replies.publish(call.replySubject(), callId, outcome, call.callerRun, call);
    } catch (IllegalArgumentException unpublishable) {
      log.error(
          "call {}: the outcome cannot be published ({}); reporting {}",
          callId,
          unpublishable.getMessage(),
          CallRelay.OUTCOME_UNDELIVERABLE);
      replies.publish(
          call.replySubject(),
          callId,
          CallOutcome.failed(
              CallRelay.OUTCOME_UNDELIVERABLE,
              "the remote run ended "
                  + outcome.kind()
                  + " but its outcome cannot be carried over NATS: "
                  + unpublishable.getMessage(),
              true),
          call.callerRun,
          call);
    }
  }

  /** Renews every held message's ack wait; run every third of it. */
  void keepAllAlive() {
    for (HeldCall call : held.values()) {
      keepAlive(call.message(), call.request());
    }
  }

  /**
   * An in-progress ack; a failure is only logged (once per outage) — the next round tries again,
   * redelivery attaches.
   */
  void keepAlive(Message message, CallRequest request) {
    try {
      message.inProgress();
      keepAliveTrouble.succeeded();
    } catch (RuntimeException e) {
      keepAliveTrouble.failed("call " + request.callId(), e.toString());
    }
  }

  /** Lets every call go; their messages are redelivered after the ack wait. */
  void clear() {
    held.clear();
  }
}
