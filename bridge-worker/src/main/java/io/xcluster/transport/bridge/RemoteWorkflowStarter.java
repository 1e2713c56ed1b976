package io.xcluster.transport.bridge;

import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.xcluster.port.call.CallRequest;
import java.util.Optional;

/** Starts the remote workflow under the call id, or attaches to the run that already has it. */
final class RemoteWorkflowStarter {

  private final WorkflowClient target;

  RemoteWorkflowStarter(WorkflowClient target) {
    this.target = target;
  }

  WorkflowStub startOrAttach(CallRequest request) {
    String workflowId = request.callId().value();
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setTaskQueue(request.target().taskQueue())
            .setWorkflowExecutionTimeout(request.target().executionTimeout())
            // The default (ALLOW_DUPLICATE) would start a second run once the first has closed,
            // so a retry arriving after the remote finished would fulfil the order twice.
            .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
            .build();
    WorkflowStub stub = target.newUntypedWorkflowStub(request.target().workflowType(), options);
    try {
      stub.start(request.input());
      return stub;
    } catch (WorkflowExecutionAlreadyStarted alreadyStarted) {
      return target.newUntypedWorkflowStub(workflowId, Optional.empty(), Optional.of(request.target().workflowType()));
    }
  }

  void requestCancel(CallRequest request) {
    target.newUntypedWorkflowStub(request.callId().value()).cancel();
  }
}
