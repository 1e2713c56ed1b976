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
    String printableReason = printable(reason);
    Headers headers = new Headers();
    if (message.getHeaders() != null) {
      message
          .getHeaders()
          .forEach(
              (key, values) -> {
                if (kept(key)) {
                  values.forEach(v -> headers.add(key, v));
                }
              });
    }
    headers.put(WireHeaders.DEAD_LETTER_REASON, printableReason);
    headers.put(WireHeaders.ORIGINAL_SUBJECT, message.getSubject());
    try {
      publish(kind, headers, body);
      message.term();
      counter(kind).increment();
      log.warn("dead-lettered a message from {}: {}", message.getSubject(), printableReason);
    } catch (Exception e) {
      log.error(
          "could not dead-letter a message from {} ({}); it stays for redelivery: {}",
          message.getSubject(),
          printableReason,
          e.toString());
      try {
        message.nakWithDelay(settings.ackWait());
      } catch (RuntimeException disconnected) {
        // no connection to nak on: JetStream redelivers it after the ack wait all the same
        log.debug("could not nak {}: {}", message.getSubject(), disconnected.toString());
      }
    }
  }

  /**
   * A body too large with the added headers (the client refuses it before sending) goes with its
   * head only, marked so: the reason is what a human needs first, and it would otherwise be refused
   * for ever.
   */
  private void publish(String kind, Headers headers, byte[] body) throws Exception {
    try {
      jetStream.publish(settings.deadLetterSubject(kind), headers, body);
    } catch (IllegalArgumentException tooLarge) {
      int kept = Math.min(body.length, KEPT_OF_A_TOO_LARGE_BODY);
      headers.put(
          WireHeaders.DEAD_LETTER_TRUNCATED, "kept " + kept + " of " + body.length + " bytes");
      jetStream.publish(
          settings.deadLetterSubject(kind), headers, java.util.Arrays.copyOf(body, kept));
    }
  }

  /** What is left of a body too large to dead-letter whole; far below any broker's max payload. */
  static final int KEPT_OF_A_TOO_LARGE_BODY = 64 * 1024;

  /** The longest reason kept: a header is for a line a human reads, not a dump. */
  static final int LONGEST_REASON = 1_000;

  /**
   * JetStream's own headers ({@code Nats-Expected-Stream}, {@code Nats-Rollup}, ...) are orders to
   * the stream the message was published to: the dead-letter stream would refuse them for ever. Its
   * message id is kept, as a record of which message this was.
   */
  private static boolean kept(String header) {
    return !header.regionMatches(true, 0, "Nats-", 0, 5) || header.equalsIgnoreCase("Nats-Msg-Id");
  }

  /**
   * The reason as a header value can carry it: printable ASCII (anything else, line breaks above
   * all, as a backslash-u escape), at most {@link #LONGEST_REASON} characters. A reason echoes wire
   * data (a decoder's message, an id), and a header value the client refuses would lose it.
   */
  static String printable(String reason) {
    String text = String.valueOf(reason);
    StringBuilder line = new StringBuilder();
    int i = 0;
    for (; i < text.length() && line.length() < LONGEST_REASON; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        line.append(c);
      } else {
        line.append(String.format("\\u%04x", (int) c));
      }
    }
    return i < text.length() ? line.append("...").toString() : line.toString();
  }
}
