package io.xcluster.transport.nats;

import io.nats.client.Message;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.protection.DestinationGuard;
import io.xcluster.port.remote.RemoteRuns;
import io.xcluster.port.spi.TransportMetrics;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target side of a caller's cancel: the call's remote run is asked to cancel, or — when it
 * never started — kept from starting and reported CANCELED at once. An outage of the target is
 * waited out; a refusal is tried again and dead-lettered after {@link
 * NatsSettings#maxDeliveries()}.
 */
final class RelayedCancels {

  // the relay's logger: these lines were always the relay's, and log settings name it
  private static final Logger log = LoggerFactory.getLogger(CallRelay.class);

  private final NatsSettings settings;
  private final RemoteRuns remoteRuns;
  private final OutcomeReplies replies;
  private final DeadLetters deadLetters;
  private final ServedTarget served;
  private final DestinationGuard guard;
  private final FailureCounts failures;
  private final OutageLog targetOutage;
  private final TransportMetrics metrics;
  private final RelaySpans spans;

  /**
   * {@code guard}, {@code failures} and {@code targetOutage} are the relay's, shared with its
   * starts: a cancel that reaches the target closes the same breaker a start would.
   */
  RelayedCancels(
      NatsSettings settings,
      RemoteRuns remoteRuns,
      OutcomeReplies replies,
      DeadLetters deadLetters,
      ServedTarget served,
      DestinationGuard guard,
      FailureCounts failures,
      OutageLog targetOutage,
      TransportMetrics metrics,
      RelaySpans spans) {
    this.settings = settings;
    this.remoteRuns = remoteRuns;
    this.replies = replies;
    this.deadLetters = deadLetters;
    this.served = served;
    this.guard = guard;
    this.failures = failures;
    this.targetOutage = targetOutage;
    this.metrics = metrics;
    this.spans = spans;
  }

  /** A cancel message from the cancels subject (one without a kind: not a forwarded update). */
  void onCancel(Message message) {
    CallRequest request;
    try {
      request = CallPayloads.fromBytes(message.getData(), CallRequest.class);
    } catch (IllegalArgumentException undecodable) {
      deadLetters.deadLetter(message, "cancels", "undecodable cancel: " + undecodable.getMessage());
      return;
    }
    Optional<String> misrouted = served.refusal("cancel of " + request.callId(), request.target());
    if (misrouted.isPresent()) {
      deadLetters.deadLetter(message, "cancels", misrouted.get());
      return;
    }
    String replySubject = WireHeaders.first(message, WireHeaders.REPLY_SUBJECT);
    if (replySubject != null && !settings.allowsReplyTo(replySubject)) {
      deadLetters.deadLetter(
          message,
          "cancels",
          settings.notAResultsSubject(
              "cancel of " + request.callId() + " asks for its outcome", replySubject));
      return;
    }
    Optional<DestinationGuard.Blocked> blocked = guard.admitCancel();
    if (blocked.isPresent()) {
      message.nakWithDelay(
          RetryDelay.afterTurnedAway(blocked.get(), message.metaData().deliveredCount()));
      return;
    }
    Span span = spans.consuming("xcluster.nats.relay-cancel", message, request);
    try (Scope ignored = span.makeCurrent()) {
      cancelOrReportCanceled(
          request, replySubject, WireHeaders.first(message, WireHeaders.CALLER_RUN));
      targetOutage.succeeded();
      guard.reached();
      failures.forget(message);
      message.ack();
    } catch (Exception unreachable) {
      metrics.transportError(TransportMetrics.Stage.CANCEL);
      span.recordException(unreachable);
      if (TransportMetrics.isOutage(unreachable)) {
        guard.unreachable(TransportMetrics.briefly(unreachable));
      }
      if (Outages.isOutage(unreachable)) {
        targetOutage.failed("cancel of " + request.callId(), unreachable.toString());
        message.nakWithDelay(RetryDelay.after(message.metaData().deliveredCount()));
      } else if (failures.failedTooOften(message)) {
        // a refusal (not an outage): the run, if any, goes on and its outcome still comes
        deadLetters.deadLetter(
            message,
            "cancels",
            "cancel of "
                + request.callId()
                + " refused "
                + failures.limit()
                + " times: "
                + TransportMetrics.briefly(unreachable));
      } else {
        log.warn(
            "cancel of {} refused, will be redelivered: {}",
            request.callId(),
            unreachable.toString());
        message.nakWithDelay(settings.ackWait().dividedBy(3));
      }
    } finally {
      span.end();
    }
  }

  /**
   * Cancels the call's remote run; true if there is one (its outcome then follows as usual). If it
   * never started — its call is late, or was never published — the cancel marker keeps it from
   * starting, and CANCELED is published at once so the caller does not wait for a call that may
   * never come.
   */
  boolean cancelOrReportCanceled(CallRequest request, String replySubject, String callerRun)
      throws Exception {
    try {
      remoteRuns.requestCancel(request);
      log.info("call {}: remote run cancel requested", request.callId());
      return true;
    } catch (io.temporal.client.WorkflowNotFoundException notRunning) {
      if (remoteRuns.exists(request)) {
        // it closed before the cancel came (the answer is NotFound then too): its real outcome
        // stands and is published as usual, never a CANCELED that would refund a shipped order
        log.info("call {}: remote run already closed; its outcome stands", request.callId());
        return true;
      }
      if (replySubject != null) {
        // per calling run, as every outcome: the same order placed again soon after (same call
        // id) must not have its own CANCELED dropped as a duplicate of this one
        replies.publish(
            replySubject, request.callId().value(), CallOutcome.canceled(), callerRun, null);
      }
      log.info("call {}: canceled before it started; reported CANCELED", request.callId());
      return false;
    }
  }
}
