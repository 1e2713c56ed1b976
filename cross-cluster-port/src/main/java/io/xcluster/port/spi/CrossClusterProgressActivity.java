package io.xcluster.port.spi;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.xcluster.port.call.CallProgress;

/**
 * The activity a transport serves on the target cluster, on the task queue it names when it starts
 * a remote run (the run's memo {@link #QUEUE_MEMO}), to carry the run's progress reports back to
 * the caller as a {@link CallOutcomeDelivery#progress} signal. Remote workflows do not call it
 * directly: they use {@link io.xcluster.port.workflow.CallProgressReporter}, which knows whether
 * any transport listens.
 */
@ActivityInterface
public interface CrossClusterProgressActivity {

  String PROGRESS_ACTIVITY = "CrossClusterProgress";

  /** The memo key under which a transport names its progress task queue on the remote run. */
  String QUEUE_MEMO = "xcluster-progress-queue";

  /**
   * Passes the report on towards the caller: returns once it is signalled (or handed to a broker
   * that delivers it); a caller that has closed does not need it. An outage is a retryable failure.
   */
  @ActivityMethod(name = PROGRESS_ACTIVITY)
  void report(CallProgress progress);
}
