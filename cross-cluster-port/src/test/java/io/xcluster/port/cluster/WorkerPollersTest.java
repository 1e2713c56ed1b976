package io.xcluster.port.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.worker.WorkerOptions;
import org.junit.jupiter.api.Test;

class WorkerPollersTest {

  @Test
  void theWorkerOptionsKeepEachKindOfPollOpenAsOftenAsAsked() {
    WorkerOptions options = new WorkerPollers(40, 12).workerOptions();

    assertEquals(40, options.getMaxConcurrentWorkflowTaskPollers());
    assertEquals(12, options.getMaxConcurrentActivityTaskPollers());
  }

  @Test
  void regionWorkersKeepMorePollsOpenThanTheSdksFive() {
    // the SDK's 5 workflow pollers left a burst of new runs waiting seconds for their first task
    WorkerOptions sdk = WorkerOptions.newBuilder().validateAndBuildWithDefaults();
    WorkerOptions region = WorkerPollers.DEFAULT.workerOptions();

    assertTrue(
        region.getMaxConcurrentWorkflowTaskPollers() > sdk.getMaxConcurrentWorkflowTaskPollers());
    assertTrue(
        region.getMaxConcurrentActivityTaskPollers() > sdk.getMaxConcurrentActivityTaskPollers());
  }

  @Test
  void aSingleWorkflowPollerIsRefusedSinceTheStickyQueueWouldTakeIt() {
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> new WorkerPollers(1, 5));

    assertTrue(refused.getMessage().startsWith("workflow-task-pollers must be within 2..200"));
  }

  @Test
  void noActivityPollerAndCountsPastTheSdksSlotsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new WorkerPollers(5, 0));
    assertThrows(IllegalArgumentException.class, () -> new WorkerPollers(5, 201));
    assertThrows(IllegalArgumentException.class, () -> new WorkerPollers(201, 5));
  }
}
