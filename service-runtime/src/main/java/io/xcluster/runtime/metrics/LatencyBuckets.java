package io.xcluster.runtime.metrics;

import java.util.concurrent.TimeUnit;
import java.util.stream.DoubleStream;

/**
 * The upper bounds of every latency histogram, in seconds: fine below a second (a poll, an HTTP
 * answer, a cross-cluster start), coarse up to 48 h (an order waiting for its fulfillment). Fixed
 * bounds keep each histogram at 24 series, whatever it measures.
 */
final class LatencyBuckets {

  static final double[] SECONDS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
    7200, 21_600, 43_200, 86_400, 172_800
  };

  /** The same bounds in nanoseconds, as Micrometer's timers take them. */
  static final double[] SECONDS_AS_NANOS =
      DoubleStream.of(SECONDS).map(s -> s * TimeUnit.SECONDS.toNanos(1)).toArray();

  private LatencyBuckets() {}
}
