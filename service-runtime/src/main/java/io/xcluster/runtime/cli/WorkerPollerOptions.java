package io.xcluster.runtime.cli;

import io.xcluster.port.cluster.WorkerPollers;
import io.xcluster.runtime.config.ConfigException;
import picocli.CommandLine.Option;

/** How many task polls a region's worker keeps open: {@link WorkerPollers}. */
public final class WorkerPollerOptions {

  @Option(
      names = "--workflow-task-pollers",
      defaultValue = "${env:XCLUSTER_WORKFLOW_TASK_POLLERS:-32}",
      description =
          "Workflow task polls the worker keeps open; more drain a burst of new runs sooner"
              + " (env XCLUSTER_WORKFLOW_TASK_POLLERS, default: ${DEFAULT-VALUE}).")
  public int workflowTaskPollers;

  @Option(
      names = "--activity-task-pollers",
      defaultValue = "${env:XCLUSTER_ACTIVITY_TASK_POLLERS:-16}",
      description =
          "Activity task polls the worker keeps open"
              + " (env XCLUSTER_ACTIVITY_TASK_POLLERS, default: ${DEFAULT-VALUE}).")
  public int activityTaskPollers;

  /**
   * The pollers these flags give.
   *
   * @throws ConfigException naming the flag that is out of range
   */
  public WorkerPollers pollers() {
    try {
      return new WorkerPollers(workflowTaskPollers, activityTaskPollers);
    } catch (IllegalArgumentException invalid) {
      throw OutOfRangeFlag.refused(
          invalid, flag -> flag.startsWith("workflow") ? workflowTaskPollers : activityTaskPollers);
    }
  }
}
