package io.xcluster.localstack.cli;

import java.time.Duration;
import java.util.List;

/** Nearest-rank percentiles of a set of durations. */
public final class Percentiles {

  private final long[] sortedNanos;

  public Percentiles(List<Duration> samples) {
    sortedNanos = samples.stream().mapToLong(Duration::toNanos).sorted().toArray();
  }

  public int count() {
    return sortedNanos.length;
  }

  /** The {@code p}-th percentile (0 &lt; p ≤ 100) in milliseconds; 0 when there are no samples. */
  public double millis(double p) {
    if (sortedNanos.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length);
    return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))] / 1_000_000.0;
  }
}
