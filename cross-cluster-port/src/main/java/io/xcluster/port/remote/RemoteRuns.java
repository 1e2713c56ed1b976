package io.xcluster.port.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.ApplicationFailure;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.call.RemoteUpdate;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.spi.CrossClusterProgressActivity;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;

/**
 * The target-cluster side every transport shares: start the remote workflow under the call id, or
 * attach to the run that already has it (invariant 1 of the port), and cancel it.
 */
public final class RemoteRuns {

  /** The type a validator's refusal arrives with from SDK 1.38.0 workers (sdk-java#2875). */
  static final String SDK_VALIDATOR_WRAPPER =
      "io.temporal.internal.worker.WorkflowExecutionException";

  private final WorkflowClient target;
  private final String progressQueue;

  public RemoteRuns(WorkflowClient target) {
    this(target, null);
  }

  private RemoteRuns(WorkflowClient target, String progressQueue) {
    this.target = target;
    this.progressQueue = progressQueue;
  }

  /**
   * The same, naming {@code queue} on every run it starts as where the run's progress reports go
   * ({@link CrossClusterProgressActivity#QUEUE_MEMO}): the transport serves {@link
   * CrossClusterProgressActivity} there, on the target cluster.
   */
  public RemoteRuns reportingProgressTo(String queue) {
    if (queue == null || queue.isBlank()) {
      throw new IllegalArgumentException("progress queue must not be blank");
    }
    return new RemoteRuns(target, queue);
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
    if (progressQueue != null) {
      options.setMemo(Map.of(CrossClusterProgressActivity.QUEUE_MEMO, progressQueue));
    }
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
   * Sends a forwarded message to the call's remote run, by its kind: an {@linkplain #update
   * update}, a {@linkplain #signal signal} or a {@linkplain #query query}. The verdict as a future;
   * an unreachable target, or a run not started yet, throws for the caller to try again.
   */
  public CompletableFuture<UpdateVerdict> forward(RemoteUpdate forwarded) {
    return switch (forwarded.kind()) {
      case UPDATE -> update(forwarded);
      case SIGNAL -> CompletableFuture.completedFuture(signal(forwarded));
      case QUERY -> CompletableFuture.completedFuture(query(forwarded));
    };
  }

  /**
   * Signals the call's remote run under the forward's id as the signal's request id: a Temporal
   * server drops a signal whose request id the run has already had, so a retried or redelivered
   * forward is delivered once ({@link SignalOnce}, which keeps the trace too). Accepted once the
   * remote cluster has it; a run that has ended is a verdict, a run not started yet throws for a
   * retry.
   */
  public UpdateVerdict signal(RemoteUpdate signal) {
    try {
      Object[] arguments =
          signal.argument().isNull() ? new Object[0] : new Object[] {signal.argument()};
      SignalOnce.send(
          target, signal.call().value(), signal.updateName(), signal.updateId(), arguments);
      return UpdateVerdict.accepted(null);
    } catch (WorkflowNotFoundException noOpenRun) {
      if (hasEnded(signal.call(), signal.target())) {
        return UpdateVerdict.rejected(
            UpdateVerdict.REMOTE_RUN_ENDED,
            "the remote run of " + signal.call() + " had ended before the signal reached it");
      }
      // not started yet: the call that starts it is on its way
      throw new WorkflowNotFoundException(
          noOpenRun.getExecution(), signal.target().workflowType(), noOpenRun.getCause());
    }
  }

  /**
   * Queries the call's remote run, running or closed: accepted with its answer, or rejected with
   * {@link UpdateVerdict#QUERY_FAILED} when its handler failed or it has no such query. A run not
   * started yet, or an unreachable target, throws.
   */
  public UpdateVerdict query(RemoteUpdate query) {
    WorkflowStub run =
        target.newUntypedWorkflowStub(
            query.call().value(), Optional.empty(), Optional.of(query.target().workflowType()));
    try {
      JsonNode answer =
          query.argument().isNull()
              ? run.query(query.updateName(), JsonNode.class)
              : run.query(query.updateName(), JsonNode.class, query.argument());
      return UpdateVerdict.accepted(answer);
    } catch (WorkflowQueryException failed) { // not a run not found, nor an outage: those throw
      Throwable cause = failed.getCause() == null ? failed : failed.getCause();
      return UpdateVerdict.rejected(UpdateVerdict.QUERY_FAILED, String.valueOf(cause.getMessage()));
    }
  }

  /**
   * Sends a forwarded update to the call's remote run and returns once the remote side accepted
   * (its validator passed) or rejected it: the verdict as a future that completes when the update's
   * handler has (accepted with its result, or rejected if the handler failed). A rejection is a
   * verdict; an unreachable target, or a run not started yet (its call still on its way), throws,
   * for the caller to try again — the update id makes a second try apply nothing twice.
   */
  public CompletableFuture<UpdateVerdict> update(RemoteUpdate update) {
    WorkflowStub run =
        target.newUntypedWorkflowStub(
            update.call().value(), Optional.empty(), Optional.of(update.target().workflowType()));
    WorkflowUpdateHandle<JsonNode> accepted;
    try {
      accepted =
          run.startUpdate(
              UpdateOptions.newBuilder(JsonNode.class)
                  .setUpdateName(update.updateName())
                  .setUpdateId(update.updateId())
                  .setWaitForStage(WorkflowUpdateStage.ACCEPTED)
                  .build(),
              update.argument());
    } catch (WorkflowUpdateException refused) {
      return CompletableFuture.completedFuture(rejection(refused));
    } catch (WorkflowNotFoundException notRunning) {
      if (hasEnded(update.call(), update.target())) {
        return CompletableFuture.completedFuture(
            UpdateVerdict.rejected(
                UpdateVerdict.REMOTE_RUN_ENDED,
                "the remote run of " + update.call() + " had ended before the update reached it"));
      }
      throw notRunning; // not started yet (or only just): the call that starts it is on its way
    }
    return accepted
        .getResultAsync()
        .handle(
            (result, failure) -> {
              if (failure == null) {
                return UpdateVerdict.accepted(result);
              }
              Throwable cause =
                  failure instanceof CompletionException && failure.getCause() != null
                      ? failure.getCause()
                      : failure;
              if (cause instanceof WorkflowUpdateException failed) {
                return rejection(failed);
              }
              throw cause instanceof RuntimeException unchecked
                  ? unchecked
                  : new CompletionException(cause);
            });
  }

  /**
   * Whether the call's run is there and closed. A run found running has just started (its start
   * overtook the NotFound answer): not an ended run, but one to try again.
   */
  private boolean hasEnded(CallId call, RemoteTarget remote) {
    try {
      return target
              .newUntypedWorkflowStub(
                  call.value(), Optional.empty(), Optional.of(remote.workflowType()))
              .describe()
              .getStatus()
          != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (WorkflowNotFoundException neverStarted) {
      return false;
    }
  }

  /** The remote side's own reason for refusing (validator) or failing (handler) an update. */
  private static UpdateVerdict rejection(WorkflowUpdateException refused) {
    if (refused.getCause() instanceof ApplicationFailure remote) {
      String type =
          remote.getType() == null || remote.getType().equals(SDK_VALIDATOR_WRAPPER)
              ? UpdateVerdict.REJECTED
              : remote.getType();
      return UpdateVerdict.rejected(type, remote.getOriginalMessage());
    }
    Throwable cause = refused.getCause() == null ? refused : refused.getCause();
    return UpdateVerdict.rejected("UpdateFailed", String.valueOf(cause.getMessage()));
  }

  /**
   * Requests cancellation of the call's remote run; idempotent. WorkflowNotFoundException if it
   * never started, or has already closed ({@link #exists} tells them apart).
   */
  public void requestCancel(CallRequest request) {
    target.newUntypedWorkflowStub(request.callId().value()).cancel();
  }
}
