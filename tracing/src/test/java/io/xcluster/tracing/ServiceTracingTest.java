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
  void aProtocolOtherThanHttpProtobufStopsStartUpNamingTheVariable() {
    System.setProperty("otel.traces.exporter", "otlp");
    System.setProperty("otel.exporter.otlp.protocol", "grpc");
    try {
      RuntimeException refused =
          org.junit.jupiter.api.Assertions.assertThrows(
              RuntimeException.class, () -> ServiceTracing.fromEnvironment("bridge-worker"));
      assertTrue(
          refused.getMessage().startsWith("OTEL_EXPORTER_OTLP_PROTOCOL='grpc': only http/protobuf"),
          refused.getMessage());
    } finally {
      System.clearProperty("otel.traces.exporter");
      System.clearProperty("otel.exporter.otlp.protocol");
    }
  }

  @Test
  void propagatorsWithoutTraceContextAreForcedToCarryItAndTheOverrideIsWarnedAbout() {
    System.setProperty("otel.traces.exporter", "otlp");
    System.setProperty("otel.exporter.otlp.endpoint", "http://127.0.0.1:4318");
    System.setProperty("otel.propagators", "baggage");
    try (ServiceTracing tracing = ServiceTracing.fromEnvironment("bridge-worker")) {
      assertTrue(
          tracing
              .openTelemetry()
              .getPropagators()
              .getTextMapPropagator()
              .fields()
              .contains("traceparent"),
          "the trace context must cross the clusters");
    } finally {
      System.clearProperty("otel.traces.exporter");
      System.clearProperty("otel.exporter.otlp.endpoint");
      System.clearProperty("otel.propagators");
    }
    java.util.List<String> warnings = new java.util.ArrayList<>();

    java.util.Map<String, String> fixed =
        ServiceTracing.fixedSettings(
            java.util.Map.of("otel.propagators", "none", "otel.metrics.exporter", "otlp")::get,
            warnings::add);

    assertEquals("tracecontext,baggage", fixed.get("otel.propagators"));
    assertEquals("none", fixed.get("otel.metrics.exporter"));
    assertEquals("http/protobuf", fixed.get("otel.exporter.otlp.protocol"));
    assertEquals(2, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).startsWith("OTEL_PROPAGATORS='none' would break"), warnings.get(0));
    assertTrue(
        warnings.get(1).startsWith("OTEL_METRICS_EXPORTER='otlp' is ignored"), warnings.get(1));
  }

  @Test
  void propagatorsThatAlreadyCarryTraceContextAreKeptWithoutAWarning() {
    java.util.List<String> warnings = new java.util.ArrayList<>();

    java.util.Map<String, String> fixed =
        ServiceTracing.fixedSettings(
            java.util.Map.of("otel.propagators", "baggage, tracecontext")::get, warnings::add);

    assertEquals("tracecontext,baggage", fixed.get("otel.propagators"));
    assertTrue(warnings.isEmpty(), warnings.toString());
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
