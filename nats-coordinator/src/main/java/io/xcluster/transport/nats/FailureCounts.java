package io.xcluster.transport.nats;

import io.nats.client.Message;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failures of a message that were not an outage, by stream sequence: what gives a message up after
 * {@link NatsSettings#maxDeliveries()}. Counted here, not from the delivery count, which also grows
 * with every redelivery through an outage or a hold-back (a cap, an open breaker).
 */
final class FailureCounts {

  private final int limit;
  private final Map<Long, Integer> counts = new ConcurrentHashMap<>();

  FailureCounts(int limit) {
    this.limit = limit;
  }

  int limit() {
    return limit;
  }

  /**
   * Counts one more failure; true (and forgotten) once the message has failed {@link #limit()}
   * times.
   */
  boolean failedTooOften(Message message) {
    long sequence = message.metaData().streamSequence();
    if (counts.merge(sequence, 1, Integer::sum) >= limit) {
      counts.remove(sequence);
      return true;
    }
    return false;
  }

  /** The message went through (or was given up another way): its count starts again. */
  void forget(Message message) {
    counts.remove(message.metaData().streamSequence());
  }

  void forget(long sequence) {
    counts.remove(sequence);
  }
}
