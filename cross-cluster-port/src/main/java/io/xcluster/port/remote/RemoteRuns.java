package io.xcluster.port.remote;

import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.xcluster.port.call.CallRequest;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The target-cluster side every transport shares: start the remote workflow under the call id, or
 * attach to the run that already has it (invariant 1 of the port), and cancel it.
 */
public final class RemoteRuns {

  private final WorkflowClient target;

  public RemoteRuns(WorkflowClient target) {
    this.target = target;
  }

  /**
   * The remote run of this call: started now, or the existing one (running or closed) attached to.
   */
  public WorkflowStub startOrAttach(CallRequest request) {
    String workflowId = request.callId().value();
    if (start(request, UnaryOperator.identity())) {
      return target.newUntypedWorkflowStub(
          workflowId, Optional.empty(), Optional.of(request.target().workflowType()));
    }
    return attach(request);
  }

  /**
   * Starts the call's remote run with {@code extra} options on top of the call's own (e.g. a
   * conflict policy and completion callbacks); false if a run already has the call id and the start
   * was refused (with the default conflict policy: any existing run; with USE_EXISTING: a closed
   * one).
   */
  public boolean start(CallRequest request, UnaryOperator<WorkflowOptions.Builder> extra) {
    WorkflowOptions.Builder options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(request.callId().value())
            .setTaskQueue(request.target().taskQueue())
            .setWorkflowExecutionTimeout(request.target().executionTimeout())
            // The default (ALLOW_DUPLICATE) would start a second run once the first has closed,
            // so a retry arriving after the remote finished would fulfil the order twice.
            .setWorkflowIdReusePolicy(
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE);
    WorkflowStub stub =
        target.newUntypedWorkflowStub(
            request.target().workflowType(), extra.apply(options).build());
    try {
      stub.start(request.input());
      return true;
    } catch (WorkflowExecutionAlreadyStarted alreadyStarted) {
      return false;
    }
  }

  /** The call's existing remote run (running or closed), without starting one. */
  public WorkflowStub attach(CallRequest request) {
    return target.newUntypedWorkflowStub(
        request.callId().value(), Optional.empty(), Optional.of(request.target().workflowType()));
  }

  /**
   * Whether the call's remote run exists, running or closed (a cancel of a closed run is NotFound
   * too).
   */
  public boolean exists(CallRequest request) {
    try {
      attach(request).describe();
      return true;
    } catch (io.temporal.client.WorkflowNotFoundException neverStarted) {
      return false;
    }
  }

  /**
   * Requests cancellation of the call's remote run; idempotent. WorkflowNotFoundException if it
   * never started, or has already closed ({@link #exists} tells them apart).
   */
  public void requestCancel(CallRequest request) {
    target.newUntypedWorkflowStub(request.callId().value()).cancel();
  }
}
