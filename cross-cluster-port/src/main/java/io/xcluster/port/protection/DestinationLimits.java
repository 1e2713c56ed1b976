package io.xcluster.port.protection;

import java.time.Duration;

/**
 * How much one calling region may ask of one destination (a target cluster and namespace), and when
 * it stops asking. A transport process serves one destination, so these are its own settings.
 *
 * @param maxOpenCalls remote runs open on the destination at once, as its visibility counts them
 *     plus the starts since; 0: no cap
 * @param maxStartsPerSecond calls started (or attached to) per second by this process; 0: no cap
 * @param breakerFailures consecutive failures to reach the destination that open the breaker
 * @param breakerHalfOpenAfter how long an open breaker sends nothing before one probe may pass
 */
public record DestinationLimits(
    int maxOpenCalls,
    double maxStartsPerSecond,
    int breakerFailures,
    Duration breakerHalfOpenAfter) {

  public static final int DEFAULT_BREAKER_FAILURES = 5;

  /**
   * Far shorter than Nexus's 60 s: calls held back wait until the next probe and one interval more
   * (spread), so a healed destination sees its calls again within two intervals; partitions between
   * regions heal in seconds, and one probe every 5 s costs a down cluster nothing.
   */
  public static final Duration DEFAULT_BREAKER_HALF_OPEN_AFTER = Duration.ofSeconds(5);

  /**
   * The breaker on, no caps: a cap is a statement about the destination's capacity that only its
   * operators can size, and a guessed one would throttle a healthy region.
   */
  public static final DestinationLimits DEFAULTS =
      new DestinationLimits(0, 0, DEFAULT_BREAKER_FAILURES, DEFAULT_BREAKER_HALF_OPEN_AFTER);

  public DestinationLimits {
    if (maxOpenCalls < 0) {
      throw new IllegalArgumentException(
          "max-open-calls must be 0 (no cap) or more, was " + maxOpenCalls);
    }
    if (maxStartsPerSecond < 0
        || Double.isNaN(maxStartsPerSecond)
        || Double.isInfinite(maxStartsPerSecond)) {
      throw new IllegalArgumentException(
          "max-starts-per-second must be 0 (no cap) or a positive number, was "
              + maxStartsPerSecond);
    }
    if (breakerFailures < 1) {
      throw new IllegalArgumentException(
          "breaker-failures must be at least 1, was " + breakerFailures);
    }
    if (breakerHalfOpenAfter == null
        || breakerHalfOpenAfter.isNegative()
        || breakerHalfOpenAfter.isZero()) {
      throw new IllegalArgumentException(
          "breaker-half-open-after must be a positive duration, was " + breakerHalfOpenAfter);
    }
  }

  public boolean capsOpenCalls() {
    return maxOpenCalls > 0;
  }

  public boolean capsStartRate() {
    return maxStartsPerSecond > 0;
  }

  /**
   * How often the target's open runs are counted: every 2 s when a cap is kept against the count,
   * else every 30 s for the dashboard.
   */
  public Duration countOpenRunsEvery() {
    return capsOpenCalls() ? Duration.ofSeconds(2) : Duration.ofSeconds(30);
  }

  /** One line for the start-up log. */
  public String describe() {
    return "open calls "
        + (capsOpenCalls() ? "at most " + maxOpenCalls : "uncapped")
        + ", starts "
        + (capsStartRate() ? "at most " + maxStartsPerSecond + "/s" : "uncapped")
        + ", breaker opens after "
        + breakerFailures
        + " failures in a row and half-opens after "
        + breakerHalfOpenAfter.toMillis()
        + " ms";
  }
}
