package io.xcluster.testkit.contract;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** The remote side of every contract case, run on the target cluster. */
@WorkflowInterface
public interface ContractRemoteWorkflow {

  String TYPE = "ContractRemoteWorkflow";
  String TASK_QUEUE = "contract-remote";
  String BUSINESS_FAILURE = "ContractBusinessFailure";

  @WorkflowMethod(name = TYPE)
  String run(RemoteBehaviour behaviour);

  @SignalMethod
  void release();
}
