package io.xcluster.transport.nats;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.nats.client.ConsumerContext;
import io.nats.client.api.ConsumerInfo;
import io.xcluster.port.spi.TransportMetrics;
import io.xcluster.runtime.lifecycle.DaemonThreads;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far a durable consumer is behind, read from the broker every few seconds (never at scrape
 * time: a scrape must not wait for a broker that is down): {@code
 * xcluster_nats_consumer_pending_messages{consumer}} (not yet delivered) and {@code
 * xcluster_nats_consumer_ack_pending_messages{consumer}} (delivered, not yet acknowledged: held
 * calls, outcomes being signalled). The last value read stays while the broker is unreachable.
 */
final class ConsumerLag implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ConsumerLag.class);

  private static final long EVERY_SECONDS = 5;

  private final ScheduledExecutorService reader =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("nats-consumer-lag"));

  void watch(String durable, ConsumerContext consumer) {
    AtomicLong pending = new AtomicLong();
    AtomicLong ackPending = new AtomicLong();
    TransportMetrics.replaceGauge(
        Metrics.globalRegistry,
        Gauge.builder("xcluster.nats.consumer.pending.messages", pending, AtomicLong::get)
            .description("messages of the consumer's subject not yet delivered to it")
            .tags("transport", NatsTransport.NAME, "consumer", durable));
    TransportMetrics.replaceGauge(
        Metrics.globalRegistry,
        Gauge.builder("xcluster.nats.consumer.ack.pending.messages", ackPending, AtomicLong::get)
            .description("messages delivered to the consumer and not yet acknowledged")
            .tags("transport", NatsTransport.NAME, "consumer", durable));
    OutageLog reads = new OutageLog(log, "reading consumer " + durable + "'s lag");
    reader.scheduleWithFixedDelay(
        () -> {
          try {
            ConsumerInfo info = consumer.getConsumerInfo();
            pending.set(info.getNumPending());
            ackPending.set(info.getNumAckPending());
            reads.succeeded();
          } catch (Exception unreadable) {
            // the last value stays; said once per streak (a deleted consumer, a refused read)
            reads.failed(durable, unreadable.toString());
          }
        },
        0,
        EVERY_SECONDS,
        TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    reader.shutdownNow();
  }
}
