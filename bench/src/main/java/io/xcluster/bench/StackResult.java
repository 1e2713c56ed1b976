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
 * @param inFlight per transport process, the cost of holding many calls open (empty where not measured)
 * @param inFlightSkipped why in-flight capacity was not measured on this stack (null if it was)
 */
public record StackResult(
    ClusterKind clusters,
    Map<String, Percentiles> latency,
    Map<String, Map<String, Double>> hops,
    Map<String, Map<Integer, Double>> throughput,
    List<InFlightResult> inFlight,
    String inFlightSkipped) {

  /**
   * The cost of {@code calls} calls held open by one transport process, and what holding them
   * costs the two Temporal servers (CPU as a share of one core, during the hold window).
   */
  public record InFlightResult(
      String transport, int calls, int threadsIdle, int threadsHeld, long heapIdleBytes, long heapHeldBytes,
      double cpuPercentWhileHolding, double usEastServerCpuPercent, double euWestServerCpuPercent, double secondsToHoldAll,
      int completedWithinAMinuteOfRelease, String threadsByPool) {}
}
