package io.xcluster.transport.nats;

import io.nats.client.Message;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.port.spi.CallWaitingNotice;
import io.xcluster.port.spi.DeliveredOutcome;
import io.xcluster.port.spi.TransportMetrics;
import io.xcluster.tracing.CallSpans;
import io.xcluster.tracing.NatsTraceContext;
import io.xcluster.tracing.ServiceTracing;
import java.time.Duration;
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

  OutcomeSignaller(
      WorkflowClient callers,
      DeadLetters deadLetters,
      ServiceTracing tracing,
      CallingSideMetrics metrics) {
    this.callers = callers;
    this.deadLetters = deadLetters;
    this.tracing = tracing;
    this.metrics = metrics;
  }

  void onMessage(Message message) {
    if (WaitingNotices.NOTICE.equals(header(message, WireHeaders.KIND))) {
      onWaitingNotice(message);
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
    Span span =
        tracing
            .tracer("io.xcluster.transport.nats")
            .spanBuilder("xcluster.nats.signal-outcome")
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(NatsTraceContext.extract(tracing.openTelemetry(), message.getHeaders()))
            .startSpan();
    CallSpans.tag(span, callId, "", NatsTransport.NAME);
    span.setAttribute("xcluster.outcome", delivered.outcome().kind().name());
    TransportMetrics destination = metrics.forOutcome(header(message, WireHeaders.DESTINATION));
    try (Scope ignored = span.makeCurrent()) {
      callers
          .newUntypedWorkflowStub(callId.sourceWorkflowId())
          .signal(CallOutcomeDelivery.SIGNAL_NAME, delivered);
      callersOutage.succeeded();
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
      callersOutage.failed("call " + callId, unreachable.toString());
      message.nakWithDelay(RetryDelay.after(message.metaData().deliveredCount()));
    } finally {
      span.end();
    }
  }

  /**
   * Why the relay holds a call back: signalled to the caller for its status. An outage of the
   * calling cluster keeps it on the stream like an outcome (the caller ignores one that is stale by
   * then); a caller that is gone does not need it.
   */
  private void onWaitingNotice(Message message) {
    CallWaitingNotice notice;
    CallId callId;
    try {
      notice = CallPayloads.fromBytes(message.getData(), CallWaitingNotice.class);
      callId = CallId.parse(notice.callId());
    } catch (RuntimeException undecodable) {
      deadLetters.deadLetter(
          message, "results", "undecodable waiting notice: " + undecodable.getMessage());
      return;
    }
    try {
      callers
          .newUntypedWorkflowStub(callId.sourceWorkflowId())
          .signal(CallOutcomeDelivery.WAITING_SIGNAL_NAME, notice);
      callersOutage.succeeded();
      message.ack();
    } catch (WorkflowNotFoundException closed) {
      message.ack();
    } catch (RuntimeException unreachable) {
      callersOutage.failed("call " + callId, unreachable.toString());
      message.nakWithDelay(RetryDelay.after(message.metaData().deliveredCount()));
    }
  }

  private static String header(Message message, String name) {
    return message.getHeaders() == null ? null : message.getHeaders().getFirst(name);
  }

  /** From the relay's start of (or attach to) the remote run, if the outcome says when. */
  static Duration sinceRemoteStart(Message message) {
    String millis = header(message, WireHeaders.REMOTE_START);
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
