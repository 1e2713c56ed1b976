package io.xcluster.bench;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Has one fulfillment done, in-cluster or cross-cluster, and returns its tracking number. */
@WorkflowInterface
public interface FulfillmentProbeWorkflow {

  String TASK_QUEUE = "bench-probe";

  @WorkflowMethod
  String fulfil(ProbeRequest request);
}
