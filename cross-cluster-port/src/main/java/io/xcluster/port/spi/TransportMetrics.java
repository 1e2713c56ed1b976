package io.xcluster.port.spi;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.xcluster.port.call.OutcomeKind;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.cluster.ClusterUnreachableException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What every transport counts, labelled by {@code transport} and {@code destination} (the target
 * cluster and namespace, e.g. {@code eu-west/fulfillment}: a handful per deployment, never a call
 * or order id):
 *
 * <ul>
 *   <li>{@code xcluster_calls_started_total}: hand-overs — remote runs this process started or
 *       attached to; a retry, a redelivery or the bridge's hourly backstop counts again, so compare
 *       outcomes with {@code xcluster_calls_completed_total}, not with this;
 *   <li>{@code xcluster_calls_retried_total}: calls that came again (an activity retry, a
 *       redelivered message) — the transport or the target was in trouble;
 *   <li>{@code xcluster_calls_completed_total{outcome}}: outcomes delivered to the calling
 *       workflow, by how the remote run ended;
 *   <li>{@code xcluster_call_outcome_seconds}: to the outcome's delivery from the remote run's
 *       start (the bridge's callback mode, to the second) or from the transport's latest start of
 *       or attach to it (the heartbeat mode, NATS: a retry or a restart starts it again), a
 *       histogram;
 *   <li>{@code xcluster_transport_errors_total{stage}}: failed attempts to reach a cluster or the
 *       broker ({@code start}, {@code follow}, {@code deliver}, {@code cancel}); each is retried;
 *   <li>{@code xcluster_calls_held}: calls this process holds open now (a heartbeating activity, an
 *       unacknowledged message); the bridge's callback mode holds none;
 *   <li>{@code xcluster_remote_runs_open{workflow_type}}: open runs on the target cluster, as its
 *       visibility counts them ({@link io.xcluster.port.remote.OpenRemoteRuns}).
 * </ul>
 *
 * <p>Meters go to Micrometer's global registry unless one is given: a service's main attaches its
 * Prometheus registry there; in tests and demos they go nowhere.
 */
public final class TransportMetrics {

  /** Stages at which a transport meets an unreachable cluster or broker. */
  public enum Stage {
    START,
    FOLLOW,
    DELIVER,
    CANCEL,
    /** Forwarding an update to a running remote call. */
    UPDATE
  }

  private final MeterRegistry registry;
  private final String transport;
  private final String destination;

  private TransportMetrics(MeterRegistry registry, String transport, String destination) {
    this.registry = registry;
    this.transport = transport;
    this.destination = destination;
  }

  /** Metrics of {@code transport} for calls to {@code target}, in the global registry. */
  public static TransportMetrics of(String transport, ClusterEndpoint target) {
    return of(Metrics.globalRegistry, transport, target);
  }

  public static TransportMetrics of(
      MeterRegistry registry, String transport, ClusterEndpoint target) {
    return new TransportMetrics(registry, transport, destination(target));
  }

  /** Metrics of {@code transport} for calls to {@code destination} ({@code cluster/namespace}). */
  public static TransportMetrics of(String transport, String destination) {
    return new TransportMetrics(Metrics.globalRegistry, transport, destination);
  }

  /** {@code cluster/namespace}: the label value of the destination. */
  public static String destination(ClusterEndpoint target) {
    return target.name() + "/" + target.namespace();
  }

  public String destination() {
    return destination;
  }

  public void started() {
    counter("xcluster.calls.started", "remote runs started or attached to").increment();
  }

  public void retried() {
    counter("xcluster.calls.retried", "calls that came again after a failed attempt").increment();
  }

  /**
   * An outcome reached the calling workflow.
   *
   * @param sinceRemoteStart from the remote run's start, or null when this process cannot know
   */
  public void completed(OutcomeKind outcome, Duration sinceRemoteStart) {
    String kind = outcome.name().toLowerCase(Locale.ROOT);
    Counter.builder("xcluster.calls.completed")
        .description("outcomes delivered to the calling workflow, by how the remote run ended")
        .tags("transport", transport, "destination", destination, "outcome", kind)
        .register(registry)
        .increment();
    if (sinceRemoteStart != null && !sinceRemoteStart.isNegative()) {
      Timer.builder("xcluster.call.outcome")
          .description("from the remote run's start to the delivery of its outcome")
          .tags("transport", transport, "destination", destination)
          .register(registry)
          .record(sinceRemoteStart);
    }
  }

  public void transportError(Stage stage) {
    Counter.builder("xcluster.transport.errors")
        .description("failed attempts to reach a cluster or the broker; each is retried")
        .tags(
            "transport",
            transport,
            "destination",
            destination,
            "stage",
            stage.name().toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  /**
   * Reports {@code held} as the number of calls this process holds open; a transport started again
   * in this JVM replaces what the one before it reported.
   */
  public void held(Supplier<Number> held) {
    replaceGauge(
        registry,
        Gauge.builder("xcluster.calls.held", held)
            .description("calls this process holds open now")
            .tags("transport", transport, "destination", destination));
  }

  /** A gauge reading {@code value}, labelled like the others plus {@code name=value} pairs. */
  public void gauge(String name, String description, Number value, String... moreTags) {
    replaceGauge(
        registry,
        Gauge.builder(name, value, Number::doubleValue)
            .description(description)
            .tags("transport", transport, "destination", destination)
            .tags(moreTags));
  }

  /**
   * Registers {@code gauge}, first removing one of the same name and labels: Micrometer keeps the
   * first gauge of an id and ignores later ones, so an object started again in the same JVM (a
   * relay after a failed start, a restarted transport) would otherwise report its dead
   * predecessor's value for good. Held strongly: the gauge lives as long as it is registered.
   */
  public static Gauge replaceGauge(MeterRegistry registry, Gauge.Builder<?> gauge) {
    Gauge existingOrNew = gauge.strongReference(true).register(registry);
    registry.remove(existingOrNew.getId()); // whichever it was, the gauge below replaces it
    return gauge.register(registry);
  }

  /**
   * Whether {@code failure} is a cluster or broker that did not answer (what {@code
   * xcluster_transport_errors_total} counts), rather than a bug or a refusal: an unreachable
   * cluster, or a gRPC status of unavailable, deadline exceeded or resource exhausted anywhere in
   * its causes.
   */
  public static boolean isOutage(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ClusterUnreachableException) {
        return true;
      }
      if (cause instanceof StatusRuntimeException grpc) {
        Status.Code code = grpc.getStatus().getCode();
        return code == Status.Code.UNAVAILABLE
            || code == Status.Code.DEADLINE_EXCEEDED
            || code == Status.Code.RESOURCE_EXHAUSTED;
      }
    }
    return false;
  }

  /**
   * {@code failure} in one short line for a log or a blocked call's reason: the gRPC status of its
   * first cause that has one (code and description), else its first message.
   */
  public static String briefly(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof StatusRuntimeException grpc) {
        String description = grpc.getStatus().getDescription();
        return grpc.getStatus().getCode() + (description == null ? "" : ": " + description);
      }
      if (cause instanceof ClusterUnreachableException) {
        return cause.getMessage();
      }
    }
    String line = String.valueOf(failure.getMessage());
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  /** A transport's own counter, labelled like the others plus {@code name=value} pairs. */
  public Counter counter(String name, String description, String... moreTags) {
    return Counter.builder(name)
        .description(description)
        .tags("transport", transport, "destination", destination)
        .tags(moreTags)
        .register(registry);
  }
}
