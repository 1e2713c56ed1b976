package io.xcluster.port.protection;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A cap on starts per second: a token bucket holding one second's worth. A call that finds it empty
 * is not held: it is told when to come back, and calls told so are given successive slots one token
 * apart, so their retries arrive at the capped rate instead of all at once.
 */
public final class StartRate {

  /** A call is never told to wait longer than this; it asks again then. */
  static final Duration LONGEST_WAIT = Duration.ofMinutes(5);

  private final double perSecond;
  private final double capacity;
  private final long nanosPerToken;
  private final LongSupplier nanoTime;
  private double tokens;
  private long refilledAtNanos;

  /** Where the slots already handed to waiting calls end. */
  private long slotsEndNanos;

  public StartRate(double perSecond, LongSupplier nanoTime) {
    this.perSecond = perSecond;
    this.capacity = Math.max(1, perSecond);
    this.nanosPerToken = (long) (1_000_000_000L / perSecond);
    this.nanoTime = nanoTime;
    this.tokens = capacity;
    this.refilledAtNanos = nanoTime.getAsLong();
    this.slotsEndNanos = refilledAtNanos;
  }

  /**
   * Empty when a start may go now; otherwise how long this call should wait before it asks again.
   */
  public synchronized Optional<Duration> tryStart() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(capacity, tokens + (now - refilledAtNanos) * perSecond / 1e9);
    refilledAtNanos = now;
    if (tokens >= 1) {
      tokens -= 1;
      return Optional.empty();
    }
    long tokenDue = now + (long) ((1 - tokens) * nanosPerToken);
    // compared by difference: nanoTime may be negative, or wrap
    long slot = slotsEndNanos - tokenDue > 0 ? slotsEndNanos : tokenDue;
    long wait = Math.min(slot - now, LONGEST_WAIT.toNanos());
    // the slots handed out never reach past the longest wait: a backlog beyond it asks again then
    slotsEndNanos = now + Math.min(slot - now + nanosPerToken, LONGEST_WAIT.toNanos());
    return Optional.of(Duration.ofNanos(Math.max(wait, 1_000_000)));
  }
}
