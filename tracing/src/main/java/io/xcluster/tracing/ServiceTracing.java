package io.xcluster.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.opentracingshim.OpenTracingShim;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.temporal.opentracing.OpenTracingClientInterceptor;
import io.temporal.opentracing.OpenTracingOptions;
import io.temporal.opentracing.OpenTracingWorkerInterceptor;
import io.xcluster.port.cluster.ConnectionInterceptors;
import java.util.List;
import java.util.Map;

/**
 * OpenTelemetry for one service ({@code order-service-us-east}, {@code bridge-worker}, …): its own
 * SDK with its own {@code service.name} — several services may share a JVM, so nothing is global —
 * W3C trace-context propagation, and the Temporal interceptors that carry the context through
 * workflow, activity, child and signal headers.
 *
 * <p>Off unless {@code OTEL_TRACES_EXPORTER} is set (e.g. {@code otlp}); then the standard {@code
 * OTEL_*} variables apply, OTLP going over HTTP with the JDK's client. Off costs nothing: no SDK,
 * no interceptors.
 */
public final class ServiceTracing implements AutoCloseable {

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final ServiceTracing DISABLED =
      new ServiceTracing("disabled", OpenTelemetry.noop(), null);

  private final String serviceName;
  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk sdk;

  private ServiceTracing(String serviceName, OpenTelemetry openTelemetry, OpenTelemetrySdk sdk) {
    this.serviceName = serviceName;
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
  }

  public static ServiceTracing disabled() {
    return DISABLED;
  }

  /**
   * From the standard {@code OTEL_*} environment; disabled unless {@code OTEL_TRACES_EXPORTER}
   * names an exporter.
   */
  public static ServiceTracing fromEnvironment(String serviceName) {
    String exporter =
        System.getProperty("otel.traces.exporter", System.getenv("OTEL_TRACES_EXPORTER"));
    if (exporter == null || exporter.isBlank() || exporter.equals("none")) {
      return DISABLED;
    }
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(
                () ->
                    Map.of(
                        "otel.exporter.otlp.protocol",
                            "http/protobuf", // the JDK sender speaks HTTP only
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none",
                        "otel.propagators", "tracecontext,baggage"))
            .addResourceCustomizer(
                (resource, config) -> resource.merge(serviceResource(serviceName)))
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk();
    return new ServiceTracing(serviceName, sdk, sdk);
  }

  /** Exporting through {@code processor} (tests, or a process that wires its own exporter). */
  public static ServiceTracing exportingTo(String serviceName, SpanProcessor processor) {
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setResource(Resource.getDefault().merge(serviceResource(serviceName)))
                    .addSpanProcessor(processor)
                    .build())
            // the SDK's default propagators are no-ops: without this every hop starts a new trace
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    return new ServiceTracing(serviceName, sdk, sdk);
  }

  private static Resource serviceResource(String serviceName) {
    return Resource.create(Attributes.of(SERVICE_NAME, serviceName));
  }

  public boolean enabled() {
    return sdk != null;
  }

  public String serviceName() {
    return serviceName;
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  public Tracer tracer(String instrumentation) {
    return openTelemetry.getTracer(instrumentation);
  }

  /**
   * Temporal client and worker interceptors carrying this service's trace context; none when
   * disabled.
   */
  @SuppressWarnings(
      "deprecation") // the OpenTracing shim is deprecated upstream but is what temporal-opentracing
  // needs
  public ConnectionInterceptors temporalInterceptors() {
    if (!enabled()) {
      return ConnectionInterceptors.NONE;
    }
    OpenTracingOptions options =
        OpenTracingOptions.newBuilder()
            .setTracer(OpenTracingShim.createTracerShim(openTelemetry))
            .build();
    return new ConnectionInterceptors(
        List.of(new OpenTracingClientInterceptor(options)),
        List.of(new OpenTracingWorkerInterceptor(options)));
  }

  /** Flushes and stops this service's SDK. */
  @Override
  public void close() {
    if (sdk != null) {
      sdk.close();
    }
  }
}
