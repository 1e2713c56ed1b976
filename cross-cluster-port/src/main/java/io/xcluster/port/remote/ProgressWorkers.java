package io.xcluster.port.remote;

import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import io.xcluster.port.spi.CrossClusterProgressActivity;

/**
 * The worker a transport runs on the target cluster to take its remote runs' progress reports: a
 * fixed, small set of threads whatever the number of open calls (reports are short and few per
 * call), so that carrying progress adds no thread or poll per call.
 */
public final class ProgressWorkers {

  /**
   * Long polls on the progress queue. A poll brings one report per round trip, tens of milliseconds
   * on a busy target: two keep up with a steady stream, four give a burst (the ~600 reports of 200
   * fulfillments starting at once after a partition) some headroom. Each poller is a thread of the
   * transport's while it waits; eight were no quicker after a partition, where every task waits its
   * turn for a CPU anyway.
   */
  static final int POLLERS = 4;

  /** Reports being passed on at once, each a signal or a publish. */
  static final int CONCURRENT_REPORTS = 16;

  private ProgressWorkers() {}

  /** Adds to {@code targetWorkers} (not yet started) a worker serving {@code queue}. */
  public static void serve(
      WorkerFactory targetWorkers, String queue, CrossClusterProgressActivity reports) {
    targetWorkers
        .newWorker(
            queue,
            WorkerOptions.newBuilder()
                .setMaxConcurrentActivityTaskPollers(POLLERS)
                .setMaxConcurrentActivityExecutionSize(CONCURRENT_REPORTS)
                .build())
        .registerActivitiesImplementations(reports);
  }
}
