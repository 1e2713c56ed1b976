package io.xcluster.transport.nats;

import io.nats.client.Message;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.CallProgress;
import io.xcluster.port.remote.SignalOnce;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.port.spi.CallWaitingNotice;
import io.xcluster.port.spi.DeliveredOutcome;
import io.xcluster.port.spi.DeliveredVerdict;
import io.xcluster.port.spi.TransportMetrics;
import io.xcluster.tracing.CallSpans;
import io.xcluster.tracing.NatsTraceContext;
import io.xcluster.tracing.ServiceTracing;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calling side's consumer of the results stream: signals each outcome to the workflow that made
 * the call (its id is inside the call id). The workflow ignores duplicates.
 */
final class OutcomeSignaller {

  private static final Logger log = LoggerFactory.getLogger(OutcomeSignaller.class);

  private final WorkflowClient callers;
  private final DeadLetters deadLetters;
  private final ServiceTracing tracing;

  /**
   * An outage of the calling cluster is retried for as long as it lasts (the outcome waits in the
   * stream), logged once.
   */
  private final OutageLog callersOutage =
      new OutageLog(log, "signalling outcomes to the calling cluster");

  private final CallingSideMetrics metrics;

  /** The calling cluster: a message about another cluster's call was routed here by mistake. */
  private final String ownCluster;

  /** Signals that failed other than by an outage (a refusal, say): what dead-letters them. */
  private final FailureCounts failures;

  OutcomeSignaller(
      WorkflowClient callers,
      String ownCluster,
      int maxDeliveries,
      DeadLetters deadLetters,
      ServiceTracing tracing,
      CallingSideMetrics metrics) {
    this.callers = callers;
    this.ownCluster = ownCluster;
    this.failures = new FailureCounts(maxDeliveries);
    this.deadLetters = deadLetters;
    this.tracing = tracing;
    this.metrics = metrics;
  }

  void onMessage(Message message) {
    String kind = WireHeaders.first(message, WireHeaders.KIND);
    if (WaitingNotices.NOTICE.equals(kind)) {
      signalCaller(
          message,
          "waiting notice",
          CallWaitingNotice.class,
          CallWaitingNotice::callId,
          CallOutcomeDelivery.WAITING_SIGNAL_NAME);
      return;
    }
    if (ProgressPublisher.PROGRESS.equals(kind)) {
      signalCaller(
          message,
          "progress report",
          CallProgress.class,
          CallProgress::call,
          CallOutcomeDelivery.PROGRESS_SIGNAL_NAME);
      return;
    }
    if (NatsCallActivity.VERDICT.equals(kind)) {
      signalCaller(
          message,
          "update verdict",
          DeliveredVerdict.class,
          verdict -> WireHeaders.first(message, WireHeaders.CALL_ID),
          CallOutcomeDelivery.VERDICT_SIGNAL_NAME);
      return;
    }
    if (kind != null) { // an outcome carries no kind
      deadLetters.deadLetter(message, "results", "unknown " + WireHeaders.KIND + " '" + kind + "'");
      return;
    }
    DeliveredOutcome delivered;
    CallId callId;
    try {
      delivered = CallPayloads.fromBytes(message.getData(), DeliveredOutcome.class);
      callId = CallId.parse(delivered.callId());
    } catch (RuntimeException undecodable) {
      deadLetters.deadLetter(
          message, "results", "undecodable outcome: " + undecodable.getMessage());
      return;
    }
    if (misrouted(message, "outcome", callId)) {
      return;
    }
    Span span =
        tracing
            .tracer("io.xcluster.transport.nats")
            .spanBuilder("xcluster.nats.signal-outcome")
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(NatsTraceContext.extract(tracing.openTelemetry(), message.getHeaders()))
            .startSpan();
    CallSpans.tag(span, callId, targetCluster(message), NatsTransport.NAME);
    span.setAttribute("xcluster.outcome", delivered.outcome().kind().name());
    TransportMetrics destination =
        metrics.forOutcome(WireHeaders.first(message, WireHeaders.DESTINATION));
    try (Scope ignored = span.makeCurrent()) {
      // a redelivered outcome adds no second signal event to the caller's history
      SignalOnce.send(
          callers,
          callId.sourceWorkflowId(),
          CallOutcomeDelivery.SIGNAL_NAME,
          CallOutcomeDelivery.outcomeRequestId(callId.value()),
          delivered);
      callersOutage.succeeded();
      failures.forget(message);
      message.ack();
      destination.completed(delivered.outcome().kind(), sinceRemoteStart(message));
    } catch (WorkflowNotFoundException closed) {
      log.info(
          "call {}: the calling workflow is gone or closed; outcome {} not needed",
          callId,
          delivered.outcome().kind());
      message.ack();
    } catch (RuntimeException unreachable) {
      destination.transportError(TransportMetrics.Stage.DELIVER);
      retryOrDeadLetter(message, "outcome", callId, unreachable);
    } finally {
      span.end();
    }
  }

  /**
   * A message about a call that is not its outcome (why the relay holds it back; the verdict on a
   * forwarded update): signalled to the caller. An outage of the calling cluster keeps it on the
   * stream like an outcome; a caller that is gone does not need it.
   */
  private <T> void signalCaller(
      Message message,
      String what,
      Class<T> type,
      Function<T, String> callIdOf,
      String signalName) {
    T payload;
    CallId callId;
    try {
      payload = CallPayloads.fromBytes(message.getData(), type);
      callId = CallId.parse(callIdOf.apply(payload));
    } catch (RuntimeException undecodable) {
      deadLetters.deadLetter(
          message, "results", "undecodable " + what + ": " + undecodable.getMessage());
      return;
    }
    if (misrouted(message, what, callId)) {
      return;
    }
    // the signal joins the trace the message carries (the remote run's), if it carries one
    try (Scope ignored =
        NatsTraceContext.extract(tracing.openTelemetry(), message.getHeaders()).makeCurrent()) {
      callers.newUntypedWorkflowStub(callId.sourceWorkflowId()).signal(signalName, payload);
      callersOutage.succeeded();
      failures.forget(message);
      message.ack();
    } catch (WorkflowNotFoundException closed) {
      message.ack();
    } catch (RuntimeException unreachable) {
      retryOrDeadLetter(message, what, callId, unreachable);
    }
  }

  /**
   * An outage of the calling cluster is waited out for as long as it lasts; a refusal (the signal
   * over the calling cluster's size limit, say) is tried {@link FailureCounts#limit()} times and
   * then dead-lettered with the reason.
   */
  private void retryOrDeadLetter(Message message, String what, CallId callId, Exception failure) {
    if (Outages.isOutage(failure)) {
      callersOutage.failed("call " + callId, failure.toString());
      message.nakWithDelay(RetryDelay.after(message.metaData().deliveredCount()));
    } else if (failures.failedTooOften(message)) {
      deadLetters.deadLetter(
          message,
          "results",
          "the calling cluster refused the "
              + what
              + " of "
              + callId
              + " "
              + failures.limit()
              + " times: "
              + TransportMetrics.briefly(failure));
    } else {
      log.warn("call {}: {} refused, will be redelivered: {}", callId, what, failure.toString());
      message.nakWithDelay(RetryDelay.after(message.metaData().deliveredCount()));
    }
  }

  /**
   * A message about a call made in another cluster: dead-lettered, never signalled to a namesake.
   */
  private boolean misrouted(Message message, String what, CallId callId) {
    if (ownCluster.equals(callId.sourceCluster())) {
      return false;
    }
    deadLetters.deadLetter(
        message,
        "results",
        what
            + " of "
            + callId
            + " names cluster "
            + callId.sourceCluster()
            + ", this calling side serves "
            + ownCluster);
    return true;
  }

  /**
   * The cluster that ran the call, from the outcome's destination ({@code cluster/namespace}), so a
   * trace search by target cluster finds this span too; empty from relays that do not say.
   */
  private static String targetCluster(Message message) {
    String destination = WireHeaders.first(message, WireHeaders.DESTINATION);
    if (destination == null) {
      return "";
    }
    int slash = destination.indexOf('/');
    return slash < 0 ? destination : destination.substring(0, slash);
  }

  /** From the relay's start of (or attach to) the remote run, if the outcome says when. */
  static Duration sinceRemoteStart(Message message) {
    String millis = WireHeaders.first(message, WireHeaders.REMOTE_START);
    if (millis == null) {
      return null;
    }
    try {
      return Duration.ofMillis(System.currentTimeMillis() - Long.parseLong(millis));
    } catch (NumberFormatException unreadable) {
      return null;
    }
  }
}
