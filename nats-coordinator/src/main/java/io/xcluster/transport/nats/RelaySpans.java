package io.xcluster.transport.nats;

import io.nats.client.Message;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.xcluster.port.call.CallRequest;
import io.xcluster.tracing.CallSpans;
import io.xcluster.tracing.NatsTraceContext;
import io.xcluster.tracing.ServiceTracing;

/**
 * The relay's spans, each tagged with its call: one per call or cancel message taken in, continuing
 * the trace the message carries, and one per outcome published, under the span that started the
 * call.
 */
final class RelaySpans {

  private final ServiceTracing tracing;
  private final Tracer tracer;

  RelaySpans(ServiceTracing tracing) {
    this.tracing = tracing;
    this.tracer = tracing.tracer("io.xcluster.transport.nats");
  }

  /** A consumer span {@code name} for {@code message}, which carries {@code request}. */
  Span consuming(String name, Message message, CallRequest request) {
    Span span =
        tracer
            .spanBuilder(name)
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(NatsTraceContext.extract(tracing.openTelemetry(), message.getHeaders()))
            .startSpan();
    CallSpans.tag(span, request.callId(), request.target().cluster(), NatsTransport.NAME);
    return span;
  }

  /** A producer span {@code name} for publishing {@code call}'s outcome. */
  Span publishing(String name, HeldCall call) {
    Span span =
        tracer
            .spanBuilder(name)
            .setSpanKind(SpanKind.PRODUCER)
            .setParent(call.traceContext())
            .startSpan();
    CallSpans.tag(
        span, call.request().callId(), call.request().target().cluster(), NatsTransport.NAME);
    return span;
  }
}
