package io.xcluster.transport.nats;

import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.CallProgress;
import io.xcluster.port.spi.CrossClusterProgressActivity;
import io.xcluster.port.spi.TransportMetrics;
import io.xcluster.tracing.NatsTraceContext;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's side of progress reports: a remote run's report, taken from the progress task queue
 * on the target cluster, is published on its caller's results subject as {@code Xcluster-Kind:
 * progress}; the calling side signals it on. De-duplicated by call and report number; a broker
 * outage fails the activity, and Temporal retries it.
 */
final class ProgressPublisher implements CrossClusterProgressActivity {

  private static final Logger log = LoggerFactory.getLogger(ProgressPublisher.class);

  /** {@link WireHeaders#KIND} of a progress report on a results subject. */
  static final String PROGRESS = "progress";

  private final NatsSettings settings;
  private final JetStream jetStream;
  private final TransportMetrics metrics;
  private final OpenTelemetry openTelemetry;

  ProgressPublisher(
      NatsSettings settings,
      JetStream jetStream,
      TransportMetrics metrics,
      OpenTelemetry openTelemetry) {
    this.settings = settings;
    this.jetStream = jetStream;
    this.metrics = metrics;
    this.openTelemetry = openTelemetry;
  }

  @Override
  public void report(CallProgress progress) {
    Optional<CallId> parsed = progress.callId();
    if (parsed.isEmpty()) {
      log.warn("progress report from {} dropped: that run is not a call", progress.call());
      return;
    }
    CallId call = parsed.get();
    String subject = settings.resultsSubject(call.sourceCluster());
    if (!settings.allowsReplyTo(subject)) {
      log.warn(
          "call {}: progress report {} not sent: {} is not one of the results subjects {}",
          progress.call(),
          progress.sequence(),
          subject,
          settings.resultsSubjects());
      return;
    }
    Headers headers = new Headers();
    headers.put(WireHeaders.CALL_ID, call.value());
    headers.put(WireHeaders.DESTINATION, metrics.destination());
    headers.put(WireHeaders.KIND, PROGRESS);
    // the report's trace (the remote run's): its signal in the calling cluster joins it
    NatsTraceContext.inject(openTelemetry, Context.current(), headers);
    try {
      jetStream.publish(
          subject,
          headers,
          CallPayloads.toBytes(progress),
          PublishOptions.builder()
              .messageId("progress:" + call.value() + ":" + progress.sequence())
              .build());
    } catch (Exception failed) {
      metrics.transportError(TransportMetrics.Stage.DELIVER);
      throw new IllegalStateException(
          "progress report "
              + progress.sequence()
              + " of "
              + progress.call()
              + " not published: "
              + failed.getMessage(),
          failed);
    }
  }
}
