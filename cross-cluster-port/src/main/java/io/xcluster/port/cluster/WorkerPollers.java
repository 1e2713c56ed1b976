package io.xcluster.port.cluster;

import io.temporal.worker.WorkerOptions;

/**
 * How many task polls a region's worker keeps open at once, per kind of task.
 *
 * <p>A poll brings one task per round trip, and a round trip that hands out a task waits for the
 * cluster to record it as started, tens of milliseconds on a busy cluster. The SDK's 5 workflow
 * task pollers (about half of them on the sticky queue) are what held back the catch-up after a
 * partition between the regions: 200 fulfillments started at once waited up to 11 s for their first
 * workflow task, after an outage that ended well within the 10 s goal. 32 pollers drained a burst
 * of 200 in under a second. An idle long poll costs the cluster next to nothing.
 *
 * @param workflowTaskPollers open workflow task polls; at least 2, since the SDK keeps one of them
 *     on the worker's sticky queue
 * @param activityTaskPollers open activity task polls; at least 1
 */
public record WorkerPollers(int workflowTaskPollers, int activityTaskPollers) {

  /** Region workers' pollers unless configured otherwise. */
  public static final WorkerPollers DEFAULT = new WorkerPollers(32, 16);

  /**
   * More polls than the SDK runs tasks at once (200 of each kind by default) would wait for a free
   * slot anyway: a larger figure is a typo.
   */
  public static final int MAX = 200;

  public WorkerPollers {
    if (workflowTaskPollers < 2 || workflowTaskPollers > MAX) {
      throw new IllegalArgumentException(
          "workflow-task-pollers must be within 2.."
              + MAX
              + " (one of them waits on the worker's sticky queue), was "
              + workflowTaskPollers);
    }
    if (activityTaskPollers < 1 || activityTaskPollers > MAX) {
      throw new IllegalArgumentException(
          "activity-task-pollers must be within 1.." + MAX + ", was " + activityTaskPollers);
    }
  }

  /** Worker options with these pollers; the rest as the SDK's defaults. */
  public WorkerOptions workerOptions() {
    return WorkerOptions.newBuilder()
        .setMaxConcurrentWorkflowTaskPollers(workflowTaskPollers)
        .setMaxConcurrentActivityTaskPollers(activityTaskPollers)
        .build();
  }
}
