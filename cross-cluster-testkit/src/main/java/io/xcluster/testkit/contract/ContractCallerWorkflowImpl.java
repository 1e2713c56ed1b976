package io.xcluster.testkit.contract;

import io.temporal.workflow.Workflow;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CallWaitingNotice;
import io.xcluster.port.workflow.CrossClusterClient;

public final class ContractCallerWorkflowImpl implements ContractCallerWorkflow {

  private final CrossClusterClient crossCluster;
  private CallOutcome seen;
  private String operation;

  public ContractCallerWorkflowImpl(CallRoute route) {
    this.crossCluster = new CrossClusterClient(ContractClusters.SOURCE, () -> route);
  }

  @Override
  public CallOutcome call(ContractCall call) {
    RemoteTarget target =
        new RemoteTarget(
            ContractClusters.TARGET,
            ContractClusters.NAMESPACE,
            ContractRemoteWorkflow.TYPE,
            ContractRemoteWorkflow.TASK_QUEUE,
            call.remoteTimeout());
    operation = call.operation();
    seen = crossCluster.call(call.operation(), target, call.behaviour()).get();
    return seen;
  }

  @Override
  public CallOutcome seenOutcome() {
    return seen;
  }

  @Override
  public UpdateVerdict forwardNote(NoteRequest request) {
    Workflow.await(() -> operation != null); // an update may come before the call is made
    return crossCluster
        .forwardUpdate(
            operation, ContractRemoteWorkflow.NOTE_UPDATE, request.requestId(), request.text())
        .get();
  }

  @Override
  public CallWaitingNotice waiting() {
    return operation == null ? null : crossCluster.waiting(operation).orElse(null);
  }
}
