package io.xcluster.transport.nats;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a message that can never be processed to the dead-letter stream, with the reason, then
 * drops it.
 */
final class DeadLetters {

  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  private final JetStream jetStream;
  private final NatsSettings settings;

  /** Every kind of dead letter there is, counted from 0 so the first one shows in a rate. */
  static final java.util.List<String> KINDS =
      java.util.List.of("calls", "cancels", "results", "outcomes");

  DeadLetters(JetStream jetStream, NatsSettings settings) {
    this.jetStream = jetStream;
    this.settings = settings;
    KINDS.forEach(DeadLetters::counter);
  }

  private static Counter counter(String kind) {
    return Counter.builder("xcluster.nats.dead.letters")
        .description("messages dead-lettered, by the stream they came from")
        .tags("transport", NatsTransport.NAME, "kind", kind)
        .register(Metrics.globalRegistry);
  }

  /**
   * Publishes {@code message} to {@code <prefix>.dlq.<kind>} with the reason and original subject,
   * then terminates it. If the dead-letter publish fails the message is left for redelivery: it is
   * never dropped without a trace.
   */
  void deadLetter(Message message, String kind, String reason) {
    deadLetter(message, kind, reason, message.getData());
  }

  /**
   * As {@link #deadLetter(Message, String, String)}, with {@code body} in place of the message's
   * own (e.g. an outcome that could not be published, attached to the call it answers).
   */
  void deadLetter(Message message, String kind, String reason, byte[] body) {
    Headers headers = new Headers();
    if (message.getHeaders() != null) {
      message.getHeaders().forEach((key, values) -> values.forEach(v -> headers.add(key, v)));
    }
    headers.put(WireHeaders.DEAD_LETTER_REASON, reason);
    headers.put(WireHeaders.ORIGINAL_SUBJECT, message.getSubject());
    try {
      jetStream.publish(settings.deadLetterSubject(kind), headers, body);
      message.term();
      counter(kind).increment();
      log.warn("dead-lettered a message from {}: {}", message.getSubject(), reason);
    } catch (Exception e) {
      log.error(
          "could not dead-letter a message from {} ({}); it stays for redelivery: {}",
          message.getSubject(),
          reason,
          e.toString());
      try {
        message.nakWithDelay(settings.ackWait());
      } catch (RuntimeException disconnected) {
        // no connection to nak on: JetStream redelivers it after the ack wait all the same
        log.debug("could not nak {}: {}", message.getSubject(), disconnected.toString());
      }
    }
  }
}
