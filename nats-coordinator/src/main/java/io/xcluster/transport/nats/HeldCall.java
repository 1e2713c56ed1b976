package io.xcluster.transport.nats;

import io.nats.client.Message;
import io.opentelemetry.context.Context;
import io.xcluster.port.call.CallRequest;

/**
 * A call whose outcome is awaited; {@code traceContext} is the relay span's, for the outcome
 * message.
 */
final class HeldCall {
  volatile Message message;
  final long sequence;
  final CallRequest request;
  final String replySubject;
  final Context traceContext;

  /**
   * The calling run (from {@link WireHeaders#CALLER_RUN}), or null from callers that do not say.
   */
  final String callerRun;

  /** When the relay started or attached to the remote run (epoch millis). */
  final long followingSinceMillis = System.currentTimeMillis();

  /** Failed attempts to publish the outcome, and since when (System.nanoTime). */
  int publishFailures;

  long failingSinceNanos;

  HeldCall(
      Message message,
      long sequence,
      CallRequest request,
      String replySubject,
      Context traceContext) {
    this.callerRun =
        message.getHeaders() == null ? null : message.getHeaders().getFirst(WireHeaders.CALLER_RUN);
    this.message = message;
    this.sequence = sequence;
    this.request = request;
    this.replySubject = replySubject;
    this.traceContext = traceContext;
  }

  Message message() {
    return message;
  }

  CallRequest request() {
    return request;
  }

  String replySubject() {
    return replySubject;
  }

  Context traceContext() {
    return traceContext;
  }
}
