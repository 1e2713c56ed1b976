package io.xcluster.replication.drill;

import java.time.Duration;
import java.util.List;

/**
 * What a failover drill measured.
 *
 * @param replicationLagP50 median time from a workflow's start being acknowledged by the active
 *     cluster to that workflow being readable on the standby
 * @param failoverTime from the failover request to the new active cluster accepting a write
 * @param failbackTime the same, back to the original cluster
 * @param unfinished ids of workflows that did not finish on the new active cluster
 */
public record DrillReport(
    String namespace,
    String from,
    String to,
    int started,
    int finished,
    Duration replicationLagP50,
    Duration replicationLagMax,
    Duration failoverTime,
    Duration failbackTime,
    List<String> unfinished) {

  public DrillReport {
    unfinished = List.copyOf(unfinished);
  }

  public boolean passed() {
    return finished == started && unfinished.isEmpty();
  }

  /** The report as printed by {@code replication-setup drill}. */
  public String describe() {
    return """
        drill on namespace %s: %s -> %s -> %s
          replication lag (start on %s -> readable on %s): p50 %d ms, max %d ms
          failover %s -> %s (request -> %s accepts writes): %d ms
          workflows finished on %s after failover: %d / %d
          failback %s -> %s: %d ms
          %s"""
        .formatted(
            namespace,
            from,
            to,
            from,
            from,
            to,
            replicationLagP50.toMillis(),
            replicationLagMax.toMillis(),
            from,
            to,
            to,
            failoverTime.toMillis(),
            to,
            finished,
            started,
            to,
            from,
            failbackTime.toMillis(),
            unfinished.isEmpty() ? "every workflow finished" : "NOT finished: " + unfinished);
  }
}
