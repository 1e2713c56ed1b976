package io.xcluster.port.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import org.junit.jupiter.api.Test;

class PollsWaitForTheClusterTest {

  @Test
  void onlyAWorkersTaskPollsWaitForTheClusterEverythingElseFailsFast() {
    assertTrue(
        PollsWaitForTheCluster.isTaskPoll(WorkflowServiceGrpc.getPollActivityTaskQueueMethod()));
    assertTrue(
        PollsWaitForTheCluster.isTaskPoll(WorkflowServiceGrpc.getPollWorkflowTaskQueueMethod()));
    assertTrue(
        PollsWaitForTheCluster.isTaskPoll(WorkflowServiceGrpc.getPollNexusTaskQueueMethod()));

    // a client waiting for an update's result, a start, a signal: their callers retry or report
    assertFalse(
        PollsWaitForTheCluster.isTaskPoll(
            WorkflowServiceGrpc.getPollWorkflowExecutionUpdateMethod()));
    assertFalse(
        PollsWaitForTheCluster.isTaskPoll(WorkflowServiceGrpc.getStartWorkflowExecutionMethod()));
    assertFalse(
        PollsWaitForTheCluster.isTaskPoll(WorkflowServiceGrpc.getSignalWorkflowExecutionMethod()));
    assertFalse(PollsWaitForTheCluster.isTaskPoll(WorkflowServiceGrpc.getGetSystemInfoMethod()));
  }
}
