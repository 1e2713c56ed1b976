package io.xcluster.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.impl.Headers;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.xcluster.port.cluster.ConnectionInterceptors;
import org.junit.jupiter.api.Test;

class ServiceTracingTest {

  @Test
  void tracingIsOffWithoutAnExporterAndAddsNoInterceptors() {
    // the test JVM has no OTEL_TRACES_EXPORTER
    ServiceTracing tracing = ServiceTracing.fromEnvironment("order-service-us-east");

    assertFalse(tracing.enabled());
    assertSame(ConnectionInterceptors.NONE, tracing.temporalInterceptors());
  }

  @Test
  void theExporterSettingTurnsItOnWithTheServicesOwnName() {
    System.setProperty("otel.traces.exporter", "none");
    try {
      assertFalse(ServiceTracing.fromEnvironment("bridge-worker").enabled(), "'none' means off");
    } finally {
      System.clearProperty("otel.traces.exporter");
    }
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (ServiceTracing tracing =
        ServiceTracing.exportingTo("bridge-worker", SimpleSpanProcessor.create(exporter))) {
      assertTrue(tracing.enabled());
      assertEquals(1, tracing.temporalInterceptors().client().size());
      tracing.tracer("test").spanBuilder("x").startSpan().end();
      assertEquals(
          "bridge-worker",
          exporter
              .getFinishedSpanItems()
              .get(0)
              .getResource()
              .getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("service.name")));
    }
  }

  @Test
  void traceContextSurvivesTheTripThroughNatsHeaders() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (ServiceTracing sender =
            ServiceTracing.exportingTo("us-east", SimpleSpanProcessor.create(exporter));
        ServiceTracing receiver =
            ServiceTracing.exportingTo("eu-west", SimpleSpanProcessor.create(exporter))) {
      Span sent = sender.tracer("test").spanBuilder("publish").startSpan();
      Headers headers = new Headers();
      try (Scope ignored = sent.makeCurrent()) {
        NatsTraceContext.inject(sender.openTelemetry(), Context.current(), headers);
      }
      sent.end();
      assertNotNull(headers.getFirst("traceparent"));

      Context received = NatsTraceContext.extract(receiver.openTelemetry(), headers);

      assertEquals(
          sent.getSpanContext().getTraceId(),
          Span.fromContext(received).getSpanContext().getTraceId());
      assertFalse(
          Span.fromContext(NatsTraceContext.extract(receiver.openTelemetry(), new Headers()))
              .getSpanContext()
              .isValid());
    }
  }
}
