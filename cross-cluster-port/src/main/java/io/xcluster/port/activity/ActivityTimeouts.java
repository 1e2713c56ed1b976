package io.xcluster.port.activity;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * One activity's options together with why they are what they are: how long an attempt is expected
 * to take, and how soon a lost attempt is noticed. The rows of {@code docs/activity-timeouts.md}; a
 * template schedules an activity only through one of these.
 *
 * <p>The rule they enforce: an attempt that can run longer than {@link #HEARTBEAT_REQUIRED_ABOVE}
 * heartbeats, with a heartbeat timeout of at most {@link #LONGEST_HEARTBEAT_TIMEOUT}. An outage of
 * a cluster, the broker or a worker then delays the activity by the outage plus about one heartbeat
 * timeout (the server times the silent attempt out and retries it), never by a start-to-close.
 *
 * @param activityType the activity type name, as registered
 * @param expected how long one attempt takes at most in normal operation
 * @param options what the workflow schedules it with; start-to-close and retry policy are stated
 * @param why the reasoning, in a sentence: what the activity does and why these numbers fit it
 */
public record ActivityTimeouts(
    String activityType, Duration expected, ActivityOptions options, String why) {

  /** An attempt that can take longer than this must heartbeat. */
  public static final Duration HEARTBEAT_REQUIRED_ABOVE = Duration.ofSeconds(5);

  /** The largest heartbeat timeout a template may use: the most an outage adds to an activity. */
  public static final Duration LONGEST_HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);

  public ActivityTimeouts {
    if (activityType == null || activityType.isBlank()) {
      throw new IllegalArgumentException("activity timeouts: activityType must not be blank");
    }
    Objects.requireNonNull(expected, () -> activityType + ": expected duration");
    Objects.requireNonNull(options, () -> activityType + ": options");
    if (why == null || why.isBlank()) {
      throw new IllegalArgumentException(
          activityType + ": the reason for its timeouts (why) must be stated");
    }
    Duration startToClose = options.getStartToCloseTimeout();
    if (startToClose == null || startToClose.compareTo(expected) < 0) {
      throw new IllegalArgumentException(
          activityType
              + ": start-to-close "
              + startToClose
              + " must be stated and cover the expected "
              + expected);
    }
    RetryOptions retry = options.getRetryOptions();
    if (retry == null || retry.getMaximumInterval() == null) {
      throw new IllegalArgumentException(
          activityType + ": the retry policy (with its maximum interval) must be stated");
    }
    Duration heartbeat = options.getHeartbeatTimeout();
    if (expected.compareTo(HEARTBEAT_REQUIRED_ABOVE) > 0 && heartbeat == null) {
      throw new IllegalArgumentException(
          activityType
              + ": may run "
              + expected
              + ", longer than "
              + HEARTBEAT_REQUIRED_ABOVE
              + ", so it needs a heartbeat timeout");
    }
    if (heartbeat != null && heartbeat.compareTo(LONGEST_HEARTBEAT_TIMEOUT) > 0) {
      throw new IllegalArgumentException(
          activityType
              + ": heartbeat timeout "
              + heartbeat
              + " exceeds "
              + LONGEST_HEARTBEAT_TIMEOUT
              + ", which an outage may add");
    }
  }

  /**
   * Retries for an activity whose system fails transiently: without limit (a business failure is
   * thrown non-retryable instead), 1 s at first, doubling up to {@code longestInterval} — the most
   * a system that is back waits to be used.
   */
  public static RetryOptions untilTheSystemAnswers(Duration longestInterval) {
    return RetryOptions.newBuilder()
        .setInitialInterval(Duration.ofSeconds(1))
        .setBackoffCoefficient(2.0)
        .setMaximumInterval(longestInterval)
        .setMaximumAttempts(0)
        .build();
  }

  /**
   * How long a lost attempt goes unnoticed: the heartbeat timeout if it heartbeats, else its
   * start-to-close.
   */
  public Duration lostAttemptNoticedWithin() {
    return options.getHeartbeatTimeout() != null
        ? options.getHeartbeatTimeout()
        : options.getStartToCloseTimeout();
  }

  /**
   * This row as docs/activity-timeouts.md shows it (a test keeps the document and the code in
   * agreement).
   */
  public String markdownRow() {
    RetryOptions retry = options.getRetryOptions();
    String attempts =
        retry.getMaximumAttempts() == 0 ? "no limit" : retry.getMaximumAttempts() + " attempts";
    String heartbeat =
        options.getHeartbeatTimeout() == null ? "—" : readable(options.getHeartbeatTimeout());
    return String.format(
        Locale.ROOT,
        "| `%s` | ≤ %s | %s | %s | %s → %s, %s | %s |",
        activityType,
        readable(expected),
        readable(options.getStartToCloseTimeout()),
        heartbeat,
        readable(retry.getInitialInterval()),
        readable(retry.getMaximumInterval()),
        attempts,
        why);
  }

  /** 90 s as "90 s", 30 min as "30 min", 2 h as "2 h", 7 days 5 min as "10085 min". */
  static String readable(Duration duration) {
    if (duration == null) {
      return "default";
    }
    long seconds = duration.toSeconds();
    if (seconds % 3600 == 0 && seconds > 0) {
      return seconds / 3600 + " h";
    }
    if (seconds % 60 == 0 && seconds > 0) {
      return seconds / 60 + " min";
    }
    return seconds > 0 || duration.isZero() ? seconds + " s" : duration.toMillis() + " ms";
  }
}
