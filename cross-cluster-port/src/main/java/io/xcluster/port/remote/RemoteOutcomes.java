package io.xcluster.port.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TerminatedFailure;
import io.temporal.failure.TimeoutFailure;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallRequest;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns how the remote workflow ended into a typed {@link CallOutcome}. Anything that is not the
 * remote workflow's own ending (RPC errors, a cluster that went away) yields empty: the transport
 * then retries (the bridge fails its activity retryably; a broker redelivers).
 */
public final class RemoteOutcomes {

  private RemoteOutcomes() {}

  /**
   * As {@link #translate}, for a run the transport started or attached to and then followed: there
   * NOT_FOUND is not an outcome but a run that vanished — its start lost in a forced failover's
   * replication window, the one way a run disappears while it is followed (a closed run answers its
   * follower at once, long before retention deletes it). Empty then, like any other lost track: the
   * transport asks again, and its start under the call id re-issues the run where it is missing
   * (REJECT_DUPLICATE keeps it from running twice where it is not).
   */
  public static Optional<CallOutcome> translateFollowed(JsonNode result, Throwable error) {
    if (error != null && unwrap(error) instanceof WorkflowNotFoundException) {
      return Optional.empty();
    }
    return translate(result, error);
  }

  /**
   * What a follow of {@code request}'s run would have seen had it vanished: the failover repair's
   * way of letting go of a call whose run is missing, through the same path as a follow.
   */
  public static WorkflowNotFoundException vanished(CallRequest request) {
    return new WorkflowNotFoundException(
        io.temporal.api.common.v1.WorkflowExecution.newBuilder()
            .setWorkflowId(request.callId().value())
            .build(),
        request.target().workflowType(),
        null);
  }

  /** Whether {@code error} says the run does not exist (on the cluster that answered). */
  public static boolean isRunNotFound(Throwable error) {
    return error != null && unwrap(error) instanceof WorkflowNotFoundException;
  }

  public static Optional<CallOutcome> translate(JsonNode result, Throwable error) {
    if (error == null) {
      return Optional.of(
          CallOutcome.completed(
              result == null
                  ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
                  : result));
    }
    Throwable failure = unwrap(error);
    if (failure instanceof WorkflowFailedException closed) {
      return Optional.of(fromClosedRun(closed.getCause()));
    }
    if (failure instanceof WorkflowNotFoundException) {
      return Optional.of(
          CallOutcome.failed(
              "RemoteRunNotFound",
              "the remote run is gone (past the target namespace's retention?): "
                  + failure.getMessage(),
              true));
    }
    return Optional.empty();
  }

  private static CallOutcome fromClosedRun(Throwable cause) {
    if (cause instanceof TimeoutFailure) {
      return CallOutcome.timedOut();
    }
    if (cause instanceof CanceledFailure) {
      return CallOutcome.canceled();
    }
    if (cause instanceof TerminatedFailure terminated) {
      return CallOutcome.failed("Terminated", terminated.getOriginalMessage(), true);
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof ApplicationFailure application) {
        return CallOutcome.failed(
            application.getType(), application.getOriginalMessage(), application.isNonRetryable());
      }
    }
    String type = cause == null ? "RemoteFailure" : cause.getClass().getSimpleName();
    return CallOutcome.failed(
        type, cause == null ? "remote workflow failed" : cause.getMessage(), true);
  }

  public static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
