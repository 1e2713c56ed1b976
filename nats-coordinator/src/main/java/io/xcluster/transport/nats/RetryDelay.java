package io.xcluster.transport.nats;

import io.xcluster.port.protection.DestinationGuard;
import java.time.Duration;

/**
 * Back-off for retries through an outage: 1 s, doubling, at most 10 s — so work resumes within 10 s
 * of recovery.
 */
final class RetryDelay {

  static final Duration FIRST = Duration.ofSeconds(1);
  static final Duration LONGEST = Duration.ofSeconds(10);

  private RetryDelay() {}

  /** The delay after the {@code failures}-th failure in a row (1-based). */
  static Duration after(long failures) {
    long shift = Math.min(Math.max(failures - 1, 0), 10);
    Duration delay = FIRST.multipliedBy(1L << shift);
    return delay.compareTo(LONGEST) > 0 ? LONGEST : delay;
  }

  /**
   * How long a turned-away message stays on the stream before it comes again: what the guard says,
   * or (a cap on open calls, which cannot tell) the outage back-off after {@code deliveries}.
   */
  static Duration afterTurnedAway(DestinationGuard.Blocked blocked, long deliveries) {
    return blocked.retryAfter() != null ? blocked.retryAfter() : after(deliveries);
  }
}
