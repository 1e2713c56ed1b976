package io.xcluster.bench;

import io.xcluster.localstack.cli.Percentiles;
import io.xcluster.localstack.stack.ClusterKind;
import java.util.List;
import java.util.Map;

/**
 * Everything one benchmark run measured on one stack.
 *
 * @param latency per variant, sequential fulfillments
 * @param hops per variant, the median time of each hop of a fulfillment ({@link HopBreakdown})
 * @param throughput per variant, fulfillments per second at each concurrency level
 * @param inFlight per transport process, the cost of holding many calls open (empty where not
 *     measured)
 * @param inFlightSkipped why in-flight capacity was not measured on this stack (null if it was)
 * @param orderApi the order API under load ({@link OrderApiLoad}); null where not measured
 * @param serverSide per phase and cluster, what the server's own metrics say of it (empty where the
 *     servers expose none)
 */
public record StackResult(
    ClusterKind clusters,
    Map<String, Percentiles> latency,
    Map<String, Map<String, Double>> hops,
    Map<String, Map<Integer, Double>> throughput,
    List<InFlightResult> inFlight,
    String inFlightSkipped,
    OrderApiResult orderApi,
    Map<String, String> serverSide) {

  /**
   * The cost of {@code calls} calls held open by one transport process, and what holding them costs
   * the two Temporal servers (CPU as a share of one core, during the hold window).
   *
   * @param transport the transport, with its outcome mode where it has several
   * @param postgresCpuPercent the PostgreSQL server's CPU (postmaster and backends), NaN where the
   *     clusters run on none
   * @param usEastRequests the calling cluster's busiest frontend operations per second while
   *     holding
   * @param cancelToRemote cancel of a held call to its remote run asked to cancel; null if not
   *     measured
   * @param completedWithinDrainWindow the held calls (less the canceled ones) completed within 60 s
   *     of release
   * @param secondsToDrainAll when the last of them completed, NaN if not within the window
   */
  public record InFlightResult(
      String transport,
      int calls,
      int threadsIdle,
      int threadsHeld,
      long heapIdleBytes,
      long heapHeldBytes,
      double cpuPercentWhileHolding,
      double usEastServerCpuPercent,
      double euWestServerCpuPercent,
      double postgresCpuPercent,
      String usEastRequests,
      double secondsToHoldAll,
      Percentiles cancelToRemote,
      int completedWithinDrainWindow,
      double secondsToDrainAll,
      String threadsByPool) {

    /** Held calls completed per second after release (all of them over the time it took). */
    public double drainPerSecond() {
      return Double.isNaN(secondsToDrainAll)
          ? completedWithinDrainWindow / 60.0
          : completedWithinDrainWindow / secondsToDrainAll;
    }
  }

  /**
   * The order API under load: {@code orders} concurrent {@code POST /orders}, then as many
   * concurrent {@code GET /orders/{id}} with {@code inFlightDuringReads} orders in flight. Every
   * request is counted once: placements accepted + shed + other = orders, reads answered + 503 +
   * other = orders.
   *
   * @param shedWithRetryAfter placements answered 503 with a {@code Retry-After}
   * @param unsuccessfulPlacements placements not accepted, by status and problem type (e.g. "503
   *     busy ×64")
   * @param toppedUp shed placements placed again, a few at a time, before the reads
   * @param bounds what limits these figures, from the code's constants
   */
  public record OrderApiResult(
      int orders,
      int accepted,
      int shedWithRetryAfter,
      int otherPlacementAnswers,
      double placementSeconds,
      int toppedUp,
      int inFlightDuringReads,
      int readsAnswered,
      int readsUnavailable,
      int otherReadAnswers,
      double readSeconds,
      Percentiles placementLatency,
      Percentiles readLatency,
      String unsuccessfulPlacements,
      String unsuccessfulReads,
      String bounds) {

    public OrderApiResult {
      if (accepted + shedWithRetryAfter + otherPlacementAnswers != orders
          || readsAnswered + readsUnavailable + otherReadAnswers != orders) {
        throw new IllegalArgumentException("order API counts must add up to orders=" + orders);
      }
    }

    public double acceptedPerSecond() {
      return accepted / placementSeconds;
    }

    public double readsPerSecond() {
      return readsAnswered / readSeconds;
    }
  }
}
