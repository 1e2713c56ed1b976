package io.xcluster.region.useast.orders.archfixture;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** The interface of a fixture that breaks the determinism rule on purpose. */
@WorkflowInterface
public interface ClockReadingWorkflow {
  @WorkflowMethod
  long now();
}
