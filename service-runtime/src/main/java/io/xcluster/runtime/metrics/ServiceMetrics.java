package io.xcluster.runtime.metrics;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.xcluster.runtime.http.HttpReply;
import io.xcluster.runtime.http.ServiceHttpServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One process's metrics, served as Prometheus text on {@code GET /metrics} of its health port.
 *
 * <p>Why Micrometer's Prometheus registry: the Temporal SDK reports its worker and client metrics
 * into Micrometer ({@link MicrometerClientStatsReporter}), so one registry holds the SDK's, the
 * JVM's and the project's own; the Prometheus Java client alone would need a bridge of our own for
 * the SDK's. The registry joins Micrometer's global registry, which the transports and the HTTP
 * server report into (a facade, as SLF4J is for logs): code that runs inside a test or a demo JVM
 * reports nowhere.
 */
public final class ServiceMetrics implements AutoCloseable {

  /** Prometheus's text exposition format, the one every scraper reads. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** How often the SDK's metrics are copied into the registry. */
  private static final Duration SDK_REPORT_INTERVAL = Duration.ofSeconds(5);

  private final PrometheusMeterRegistry registry;
  private final Scope temporalScope;
  private final JvmGcMetrics gc;

  private ServiceMetrics(PrometheusMeterRegistry registry, Scope temporalScope, JvmGcMetrics gc) {
    this.registry = registry;
    this.temporalScope = temporalScope;
    this.gc = gc;
  }

  /** Starts collecting for {@code service} (a {@code service} label on every series). */
  public static ServiceMetrics start(String service) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("service", service);
    registry.config().meterFilter(latencyBuckets());
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    Scope temporal =
        new RootScopeBuilder()
            .reporter(new MicrometerClientStatsReporter(registry))
            .reportEvery(com.uber.m3.util.Duration.ofMillis(SDK_REPORT_INTERVAL.toMillis()));
    Metrics.addRegistry(registry);
    return new ServiceMetrics(registry, temporal, gc);
  }

  /**
   * Histogram buckets (not client-side percentiles, which cannot be aggregated across processes)
   * for every timer: the SDK's latencies and the project's, from milliseconds to the 48 h an order
   * may wait for its fulfillment.
   */
  private static MeterFilter latencyBuckets() {
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(
          io.micrometer.core.instrument.Meter.Id id, DistributionStatisticConfig config) {
        if (id.getType() != io.micrometer.core.instrument.Meter.Type.TIMER) {
          return config;
        }
        // the SDK asks for Micrometer's percentile histogram (~70 buckets per series): these
        // fixed bounds replace it
        return DistributionStatisticConfig.builder()
            .percentilesHistogram(false)
            .serviceLevelObjectives(LatencyBuckets.SECONDS_AS_NANOS)
            .build()
            .merge(config);
      }
    };
  }

  /** The scope to give the Temporal SDK's service stubs: worker and client metrics land here. */
  public Scope temporalScope() {
    return temporalScope;
  }

  /** The registry itself, for a component that wants its own meters. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Serves {@code GET /metrics} on {@code http}, on the health probes' threads. */
  public void serveOn(ServiceHttpServer http) {
    http.endpoint(
        "/metrics",
        ServiceHttpServer.HEALTH_POOL,
        call ->
            call.isRead()
                ? new HttpReply(
                    200,
                    CONTENT_TYPE,
                    registry.scrape().getBytes(StandardCharsets.UTF_8),
                    java.util.Map.of())
                : ServiceHttpServer.getOnly(call));
  }

  /** The text a scrape would return now. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    Metrics.removeRegistry(registry); // first: closing the SDK's scope closes the registry
    try {
      temporalScope.close(); // reports what the SDK counted since the last interval
    } catch (com.uber.m3.tally.ScopeCloseException ignored) {
      // stopping: a last report that failed is not worth more than a log line nobody reads
    }
    gc.close();
    registry.close();
  }
}
