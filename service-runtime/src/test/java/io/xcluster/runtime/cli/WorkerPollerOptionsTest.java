package io.xcluster.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.xcluster.port.cluster.WorkerPollers;
import io.xcluster.runtime.config.ConfigException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class WorkerPollerOptionsTest {

  @Command(name = "region")
  static final class Region {
    @Mixin WorkerPollerOptions pollers;
  }

  private static WorkerPollers parsed(String... args) {
    Region region = new Region();
    new CommandLine(region).parseArgs(args);
    return region.pollers.pollers();
  }

  @Test
  void withoutFlagsARegionWorkerKeepsTheDefaultPollersOpen() {
    // the flags' documented defaults and the record's are one figure
    assertEquals(WorkerPollers.DEFAULT, parsed());
  }

  @Test
  void theFlagsSetEachKindOfPoller() {
    assertEquals(
        new WorkerPollers(64, 8),
        parsed("--workflow-task-pollers", "64", "--activity-task-pollers", "8"));
  }

  @Test
  void aSingleWorkflowTaskPollerStopsStartUpNamingTheFlagAndItsVariable() {
    ConfigException refused =
        assertThrows(ConfigException.class, () -> parsed("--workflow-task-pollers", "1"));

    assertEquals(
        "--workflow-task-pollers / XCLUSTER_WORKFLOW_TASK_POLLERS='1': must be within 2..200 (one"
            + " of them waits on the worker's sticky queue)",
        refused.getMessage());
  }

  @Test
  void noActivityPollerOrATypoedHugeCountIsRefused() {
    assertEquals(
        "--activity-task-pollers / XCLUSTER_ACTIVITY_TASK_POLLERS='0': must be within 1..200",
        assertThrows(ConfigException.class, () -> parsed("--activity-task-pollers", "0"))
            .getMessage());
    assertThrows(ConfigException.class, () -> parsed("--workflow-task-pollers", "3200"));
  }
}
