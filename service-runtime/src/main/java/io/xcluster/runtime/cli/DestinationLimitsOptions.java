package io.xcluster.runtime.cli;

import io.xcluster.port.protection.DestinationLimits;
import io.xcluster.runtime.config.ConfigException;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The caps and the circuit breaker of a transport process for calls to its one destination (the
 * target cluster and namespace): {@link DestinationLimits}.
 */
public final class DestinationLimitsOptions {

  @Option(
      names = "--max-open-calls",
      defaultValue = "${env:XCLUSTER_MAX_OPEN_CALLS:-0}",
      description =
          "Remote runs this region may have open on the target at once, as the target's visibility counts"
              + " them; calls beyond wait in the calling cluster; 0: no cap (env XCLUSTER_MAX_OPEN_CALLS,"
              + " default: ${DEFAULT-VALUE}).")
  public int maxOpenCalls;

  @Option(
      names = "--max-starts-per-second",
      defaultValue = "${env:XCLUSTER_MAX_STARTS_PER_SECOND:-0}",
      description =
          "Calls this process starts on the target per second; calls beyond wait their turn; 0: no cap"
              + " (env XCLUSTER_MAX_STARTS_PER_SECOND, default: ${DEFAULT-VALUE}).")
  public double maxStartsPerSecond;

  @Option(
      names = "--breaker-failures",
      defaultValue = "${env:XCLUSTER_BREAKER_FAILURES:-5}",
      description =
          "Failures in a row to reach the target that open the circuit breaker: no call goes there while"
              + " it is open (env XCLUSTER_BREAKER_FAILURES, default: ${DEFAULT-VALUE}).")
  public int breakerFailures;

  @Option(
      names = "--breaker-half-open-after",
      defaultValue = "${env:XCLUSTER_BREAKER_HALF_OPEN_AFTER:-5s}",
      description =
          "How long an open breaker sends nothing before one probe may pass, e.g. 5s"
              + " (env XCLUSTER_BREAKER_HALF_OPEN_AFTER, default: ${DEFAULT-VALUE}).")
  public Duration breakerHalfOpenAfter;

  /**
   * The limits these flags give.
   *
   * @throws ConfigException naming the flag that is out of range
   */
  public DestinationLimits limits() {
    try {
      return new DestinationLimits(
          maxOpenCalls, maxStartsPerSecond, breakerFailures, breakerHalfOpenAfter);
    } catch (IllegalArgumentException invalid) {
      throw OutOfRangeFlag.refused(
          invalid,
          flag ->
              switch (flag) {
                case "max-open-calls" -> maxOpenCalls;
                case "max-starts-per-second" -> maxStartsPerSecond;
                case "breaker-failures" -> breakerFailures;
                default -> breakerHalfOpenAfter;
              });
    }
  }

  /** The flags that give {@code limits}: how a launcher passes them to a transport process. */
  public static List<String> asArguments(DestinationLimits limits) {
    return List.of(
        "--max-open-calls",
        Integer.toString(limits.maxOpenCalls()),
        "--max-starts-per-second",
        Double.toString(limits.maxStartsPerSecond()),
        "--breaker-failures",
        Integer.toString(limits.breakerFailures()),
        "--breaker-half-open-after",
        limits.breakerHalfOpenAfter().toMillis() + "ms");
  }
}
