package io.xcluster.testkit.contract;

import io.temporal.workflow.Workflow;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallProgress;
import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CallWaitingNotice;
import io.xcluster.port.workflow.CrossClusterClient;
import java.time.Duration;

public final class ContractCallerWorkflowImpl implements ContractCallerWorkflow {

  private final CrossClusterClient crossCluster;
  private CallOutcome seen;
  private String operation;
  private boolean finished;

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
    seen = crossCluster.call(call.operation(), target, call.behaviour(), call.cancellation()).get();
    if (call.staysOpen()) {
      Workflow.await(() -> finished);
    }
    return seen;
  }

  @Override
  public void finish() {
    finished = true;
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
  public UpdateVerdict forwardNoteSignal(NoteRequest request) {
    Workflow.await(() -> operation != null);
    return crossCluster
        .forwardSignal(
            operation, ContractRemoteWorkflow.NOTE_SIGNAL, request.requestId(), request.text())
        .get();
  }

  @Override
  public UpdateVerdict queryRemoteNotes(long timeoutMillis) {
    Workflow.await(() -> operation != null);
    return crossCluster
        .queryRemote(
            operation, ContractRemoteWorkflow.NOTES_QUERY, Duration.ofMillis(timeoutMillis))
        .get();
  }

  @Override
  public CallProgress progress() {
    return operation == null ? null : crossCluster.progressReport(operation).orElse(null);
  }

  @Override
  public CallWaitingNotice waiting() {
    return operation == null ? null : crossCluster.waiting(operation).orElse(null);
  }
}
