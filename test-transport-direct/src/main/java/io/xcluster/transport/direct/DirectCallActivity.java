package io.xcluster.transport.direct;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.call.OutcomeKind;
import io.xcluster.port.call.RemoteUpdate;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.remote.RemoteOutcomes;
import io.xcluster.port.remote.RemoteRuns;
import io.xcluster.port.spi.CrossClusterCallActivity;
import io.xcluster.port.spi.CrossClusterUpdateActivity;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts (or attaches to) the remote run on the activity thread and keeps that thread until the run
 * ends, heartbeating meanwhile — simple, and the reason this transport is not for production.
 */
final class DirectCallActivity implements CrossClusterCallActivity, CrossClusterUpdateActivity {

  private static final Duration LONGEST_WAIT_BETWEEN_HEARTBEATS = Duration.ofSeconds(3);

  private final RemoteRuns remote;

  DirectCallActivity(RemoteRuns remote) {
    this.remote = remote;
  }

  @Override
  public CallOutcome call(CallRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    Duration beat = heartbeatInterval(context.getInfo().getHeartbeatTimeout());
    WorkflowStub run = remote.startOrAttach(request);
    CompletableFuture<JsonNode> result = run.getResultAsync(JsonNode.class);
    ActivityCompletionException canceledBy = null;
    while (true) {
      try {
        return outcomeOf(result.get(beat.toMillis(), TimeUnit.MILLISECONDS), null, canceledBy);
      } catch (ExecutionException ended) {
        return outcomeOf(null, ended.getCause(), canceledBy);
      } catch (TimeoutException stillRunning) {
        if (canceledBy != null) {
          continue; // canceled already: wait for the remote run to end, heartbeats would only
          // repeat it
        }
        try {
          context.heartbeat(null);
        } catch (ActivityCanceledException canceled) {
          // the caller canceled: pass it on, then report how the remote run really ends
          canceledBy = canceled;
          cancelRemote(request);
        }
        // any other end of the attempt (the caller closed, having abandoned the call): let go,
        // leaving the remote run alone
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "interrupted while waiting for the remote run of " + request.callId(), e);
      }
    }
  }

  /** Sends the update on the activity thread and returns the verdict, as a bridge does. */
  @Override
  public UpdateVerdict update(RemoteUpdate update) {
    try {
      return remote.forward(update).join();
    } catch (java.util.concurrent.CompletionException failed) {
      throw failed.getCause() instanceof RuntimeException cause ? cause : failed;
    }
  }

  /**
   * The run's outcome; canceled as the caller asked, the activity ends canceled (rethrowing what
   * said so).
   */
  private static CallOutcome outcomeOf(
      JsonNode result, Throwable error, ActivityCompletionException canceledBy) {
    CallOutcome outcome =
        RemoteOutcomes.translate(result, error)
            // not the remote run's ending (an RPC error): fail retryably, the retry attaches again
            .orElseThrow(
                () ->
                    ApplicationFailure.newFailureWithCause(
                        "the remote run's outcome could not be read", "RemoteUnreadable", error));
    if (canceledBy != null && outcome.kind() == OutcomeKind.CANCELED) {
      throw canceledBy;
    }
    return outcome;
  }

  @Override
  public void cancel(CallRequest request) {
    cancelRemote(request);
  }

  private void cancelRemote(CallRequest request) {
    try {
      remote.requestCancel(request);
    } catch (WorkflowNotFoundException notStartedOrGone) {
      // nothing to cancel: the call's own start (or its retry) meets the outcome that stands
    }
  }

  private static Duration heartbeatInterval(Duration heartbeatTimeout) {
    if (heartbeatTimeout == null || heartbeatTimeout.isZero()) {
      return LONGEST_WAIT_BETWEEN_HEARTBEATS;
    }
    Duration third = heartbeatTimeout.dividedBy(3);
    return third.compareTo(LONGEST_WAIT_BETWEEN_HEARTBEATS) < 0
        ? third
        : LONGEST_WAIT_BETWEEN_HEARTBEATS;
  }
}
