package io.xcluster.transport.nats;

/** Headers the coordinator puts on its messages (besides JetStream's {@code Nats-Msg-Id}). */
final class WireHeaders {

  /**
   * The call id, also on results and dead letters, so a message can be traced without decoding it.
   */
  static final String CALL_ID = "Xcluster-Call-Id";

  /**
   * The calling workflow's run id: part of the call's and the outcome's {@code Nats-Msg-Id}, so a
   * second run of the calling workflow (started again under the same id) gets an outcome of its own
   * instead of being de-duplicated away.
   */
  static final String CALLER_RUN = "Xcluster-Caller-Run";

  /** Where the relay publishes the outcome of a call. */
  static final String REPLY_SUBJECT = "Xcluster-Reply-Subject";

  /** On an outcome: the destination ({@code cluster/namespace}) whose run it ends, for metrics. */
  static final String DESTINATION = "Xcluster-Destination";

  /**
   * On an outcome: when the relay started (or last attached to) the remote run, epoch millis; for
   * the outcome latency metric only.
   */
  static final String REMOTE_START = "Xcluster-Remote-Start";

  /**
   * On a results subject: what a message is when it is not an outcome ({@code waiting}: a {@link
   * io.xcluster.port.spi.CallWaitingNotice}); absent on outcomes.
   */
  static final String KIND = "Xcluster-Kind";

  /**
   * On a call: what its calling side takes on the results subject besides outcomes, one value each
   * ({@code waiting}, {@code progress}; the first stays {@code waiting}, as relays that read only
   * the first expect); a calling side older than a kind does not name it, and is sent none.
   */
  static final String ACCEPTS = "Xcluster-Accepts";

  /** The first value of header {@code name} on {@code message}, or null when it has none. */
  static String first(io.nats.client.Message message, String name) {
    return message.getHeaders() == null ? null : message.getHeaders().getFirst(name);
  }

  /** Whether the call in {@code message} says its calling side takes messages of {@code kind}. */
  static boolean accepts(io.nats.client.Message message, String kind) {
    if (message.getHeaders() == null) {
      return false;
    }
    java.util.List<String> accepted = message.getHeaders().get(ACCEPTS);
    return accepted != null && accepted.contains(kind);
  }

  /** Why a message was dead-lettered. */
  static final String DEAD_LETTER_REASON = "Xcluster-Dead-Letter-Reason";

  /** The subject a dead letter was first published to. */
  static final String ORIGINAL_SUBJECT = "Xcluster-Original-Subject";

  /**
   * On a dead letter whose body was cut to fit the broker's max payload: {@code kept <n> of <m>
   * bytes}.
   */
  static final String DEAD_LETTER_TRUNCATED = "Xcluster-Dead-Letter-Truncated";

  private WireHeaders() {}
}
