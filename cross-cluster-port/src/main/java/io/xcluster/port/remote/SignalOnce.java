package io.xcluster.port.remote;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.common.interceptors.Header;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Signals a workflow under a request id of the sender's: a Temporal server drops a signal whose
 * request id the run has already had, so a sender that repeats itself (a retried forward, a
 * replayed callback, a redelivered outcome) adds one signal event, not one per attempt. The SDK's
 * own signal picks a fresh request id each time, so the request is built here — but sent through
 * the client's interceptors, whose tracing puts the sender's trace context in the header as for any
 * other call.
 */
public final class SignalOnce {

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private SignalOnce() {}

  /**
   * Signals the current run of {@code workflowId}; throws {@link WorkflowNotFoundException} when
   * there is none open (as the SDK's signal does), and the gRPC failure otherwise.
   */
  public static void send(
      WorkflowClient client,
      String workflowId,
      String signalName,
      String requestId,
      Object... arguments) {
    WorkflowExecution run = WorkflowExecution.newBuilder().setWorkflowId(workflowId).build();
    try {
      throughTheInterceptors(client, new SentUnderRequestId(client, requestId))
          .signal(
              new WorkflowClientCallsInterceptor.WorkflowSignalInput(
                  run, signalName, Header.empty(), arguments));
    } catch (StatusRuntimeException failed) {
      if (failed.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new WorkflowNotFoundException(run, null, failed);
      }
      throw failed;
    }
  }

  /** {@code last} under the client's interceptors, outermost first as the SDK chains them. */
  private static WorkflowClientCallsInterceptor throughTheInterceptors(
      WorkflowClient client, WorkflowClientCallsInterceptor last) {
    WorkflowClientCallsInterceptor chain = last;
    WorkflowClientInterceptor[] interceptors = client.getOptions().getInterceptors();
    if (interceptors != null) {
      for (WorkflowClientInterceptor interceptor : interceptors) {
        chain = interceptor.workflowClientCallsInterceptor(chain);
      }
    }
    return chain;
  }

  /** The end of the chain: the signal as the interceptors left it, under our request id. */
  private static final class SentUnderRequestId extends WorkflowClientCallsInterceptorBase {
    private final WorkflowClient client;
    private final String requestId;

    SentUnderRequestId(WorkflowClient client, String requestId) {
      super(null); // only signals pass through here
      this.client = client;
      this.requestId = requestId;
    }

    @Override
    public WorkflowSignalOutput signal(WorkflowSignalInput input) {
      SignalWorkflowExecutionRequest.Builder request =
          SignalWorkflowExecutionRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setWorkflowExecution(input.getWorkflowExecution())
              .setSignalName(input.getSignalName())
              .setRequestId(requestId)
              .setIdentity(client.getOptions().getIdentity())
              .setHeader(
                  io.temporal.api.common.v1.Header.newBuilder()
                      .putAllFields(input.getHeader().getValues()));
      client
          .getOptions()
          .getDataConverter()
          .toPayloads(input.getArguments())
          .ifPresent(request::setInput);
      client
          .getWorkflowServiceStubs()
          .blockingStub()
          .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
          .signalWorkflowExecution(request.build());
      return new WorkflowSignalOutput();
    }
  }
}
