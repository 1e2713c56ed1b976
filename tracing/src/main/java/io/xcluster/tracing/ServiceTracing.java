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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger LOG = LoggerFactory.getLogger(ServiceTracing.class);
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final String HTTP_PROTOBUF = "http/protobuf";
  private static final List<String> REQUIRED_PROPAGATORS = List.of("tracecontext", "baggage");
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
            // a customizer, not a supplier: the user's OTEL_* would override a supplier's values
            .addPropertiesCustomizer(config -> fixedSettings(config::getString, LOG::warn))
            .addResourceCustomizer(
                (resource, config) -> resource.merge(serviceResource(serviceName)))
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk();
    return new ServiceTracing(serviceName, sdk, sdk);
  }

  /**
   * The settings this process fixes, given the configured ones ({@code setting} looks a property
   * up, e.g. {@code otel.propagators}, from {@code OTEL_PROPAGATORS} or a system property):
   *
   * <ul>
   *   <li>OTLP over {@code http/protobuf}, the only protocol with a sender on the class path: any
   *       other stops start-up naming the variable, since no trace would ever leave the process;
   *   <li>propagators that include W3C {@code tracecontext} and {@code baggage}: without them the
   *       trace breaks at every hop between the clusters, so they are added (to any others asked
   *       for) with a warning;
   *   <li>no metric or log export (metrics are served on /metrics), also with a warning when asked.
   * </ul>
   *
   * @throws IllegalArgumentException naming the variable when the protocol cannot work
   */
  static Map<String, String> fixedSettings(
      Function<String, String> setting, Consumer<String> warning) {
    for (String protocol :
        List.of("otel.exporter.otlp.protocol", "otel.exporter.otlp.traces.protocol")) {
      String asked = setting.apply(protocol);
      if (asked != null && !asked.isBlank() && !asked.strip().equals(HTTP_PROTOBUF)) {
        throw new IllegalArgumentException(
            variable(protocol)
                + "='"
                + asked
                + "': only "
                + HTTP_PROTOBUF
                + " works here (traces go out with the JDK's HTTP client; there is no gRPC"
                + " exporter): unset it and point OTEL_EXPORTER_OTLP_ENDPOINT at the collector's"
                + " OTLP/HTTP port (4318)");
      }
    }
    Map<String, String> fixed = new LinkedHashMap<>();
    fixed.put("otel.exporter.otlp.protocol", HTTP_PROTOBUF);
    fixed.put("otel.exporter.otlp.traces.protocol", HTTP_PROTOBUF);
    fixed.put("otel.propagators", propagators(setting.apply("otel.propagators"), warning));
    for (String signal : List.of("otel.metrics.exporter", "otel.logs.exporter")) {
      String asked = setting.apply(signal);
      if (asked != null && !asked.isBlank() && !asked.strip().equals("none")) {
        warning.accept(
            variable(signal)
                + "='"
                + asked
                + "' is ignored: this process exports traces only (metrics: GET /metrics)");
      }
      fixed.put(signal, "none");
    }
    return fixed;
  }

  /** The propagators asked for, with W3C trace context and baggage added where missing. */
  private static String propagators(String asked, Consumer<String> warning) {
    Set<String> chosen = new LinkedHashSet<>(REQUIRED_PROPAGATORS);
    if (asked != null && !asked.isBlank()) {
      Arrays.stream(asked.split(","))
          .map(String::strip)
          .filter(name -> !name.isEmpty() && !name.equals("none"))
          .forEach(chosen::add);
      List<String> given = Arrays.stream(asked.split(",")).map(String::strip).toList();
      if (!given.containsAll(REQUIRED_PROPAGATORS)) {
        warning.accept(
            "OTEL_PROPAGATORS='"
                + asked
                + "' would break the trace between the clusters; using "
                + String.join(",", chosen)
                + " (tracecontext and baggage are always on)");
      }
    }
    return String.join(",", chosen);
  }

  /** {@code otel.exporter.otlp.protocol} as the variable users set: OTEL_EXPORTER_OTLP_PROTOCOL. */
  private static String variable(String property) {
    return property.toUpperCase(Locale.ROOT).replace('.', '_');
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
