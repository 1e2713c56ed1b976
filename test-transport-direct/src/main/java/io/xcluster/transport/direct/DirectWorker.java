package io.xcluster.transport.direct;

import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.remote.ProgressToCaller;
import io.xcluster.port.remote.ProgressWorkers;
import io.xcluster.port.remote.RemoteRuns;
import io.xcluster.tracing.ServiceTracing;

/**
 * One process of the direct transport: a worker on the calling cluster's {@code direct-to-<target>}
 * queue, a client of the target.
 */
final class DirectWorker implements AutoCloseable {

  static final int MAX_OPEN_CALLS = 1_200;

  private final ClusterConnection source;
  private final ClusterConnection target;
  private final WorkerFactory workers;
  private final WorkerFactory progressWorkers;

  private DirectWorker(ClusterConnection source, ClusterConnection target) {
    this.source = source;
    this.target = target;
    this.workers = source.newWorkerFactory();
    String progressQueue = DirectTransport.progressQueueFor(source.endpoint().name());
    // a thread per open call: as many slots as the contract kit's 1,000 calls in flight need (the
    // price this transport pays)
    workers
        .newWorker(
            DirectTransport.taskQueueFor(target.endpoint().name()),
            WorkerOptions.newBuilder()
                .setMaxConcurrentActivityExecutionSize(MAX_OPEN_CALLS)
                .build())
        .registerActivitiesImplementations(
            new DirectCallActivity(
                new RemoteRuns(target.client()).reportingProgressTo(progressQueue)));
    // remote runs report progress on the target cluster; signalled on to the callers
    this.progressWorkers = target.newWorkerFactory();
    ProgressWorkers.serve(progressWorkers, progressQueue, new ProgressToCaller(source.client()));
  }

  /**
   * Connects to both clusters (closing them again when it stops) and starts polling: the in-process
   * launch.
   */
  static DirectWorker start(
      ClusterEndpoint source, ClusterEndpoint target, ServiceTracing tracing) {
    ClusterConnection targetConnection =
        ClusterConnection.open(target, tracing.temporalInterceptors());
    try {
      return start(
          ClusterConnection.open(source, tracing.temporalInterceptors()), targetConnection);
    } catch (RuntimeException e) {
      targetConnection.closeNow();
      throw e;
    }
  }

  /** Starts polling on these connections, which it closes when it stops: the process's main. */
  static DirectWorker start(ClusterConnection source, ClusterConnection target) {
    DirectWorker worker = new DirectWorker(source, target);
    worker.workers.start();
    worker.progressWorkers.start();
    return worker;
  }

  /**
   * Like SIGKILL: open calls stop heartbeating and are retried by Temporal after the heartbeat
   * timeout.
   */
  void kill() {
    workers.shutdownNow();
    progressWorkers.shutdownNow();
    source.closeNow();
    target.closeNow();
  }

  @Override
  public void close() {
    workers.shutdown();
    progressWorkers.shutdown();
    workers.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    progressWorkers.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    source.close();
    target.close();
  }
}
