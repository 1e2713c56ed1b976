package io.xcluster.transport.nats;

import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.spi.DeliveredOutcome;
import io.xcluster.tracing.NatsTraceContext;

/**
 * The relay's answers to calls: an outcome published on the reply subject the call named, whether
 * its remote run ended, never started, or the relay gave the call up.
 */
final class OutcomeReplies {

  private final JetStream jetStream;
  private final String destination;
  private final OpenTelemetry openTelemetry;

  OutcomeReplies(JetStream jetStream, String destination, OpenTelemetry openTelemetry) {
    this.jetStream = jetStream;
    this.destination = destination;
    this.openTelemetry = openTelemetry;
  }

  /**
   * Publishes an outcome; its {@code Nats-Msg-Id} is per call and calling run, so each run that
   * asked gets one. {@code call} is the held call whose run ended, or null for an outcome without a
   * run (canceled before it started, given up).
   */
  void publish(
      String replySubject, String callId, CallOutcome outcome, String callerRun, HeldCall call)
      throws Exception {
    Headers headers = new Headers();
    headers.put(WireHeaders.CALL_ID, callId);
    headers.put(WireHeaders.DESTINATION, destination);
    if (call != null) {
      headers.put(WireHeaders.REMOTE_START, Long.toString(call.followingSinceMillis));
    }
    NatsTraceContext.inject(openTelemetry, Context.current(), headers);
    jetStream.publish(
        replySubject,
        headers,
        CallPayloads.toBytes(new DeliveredOutcome(callId, outcome)),
        PublishOptions.builder()
            .messageId("outcome:" + callId + (callerRun == null ? "" : "@" + callerRun))
            .build());
  }
}
