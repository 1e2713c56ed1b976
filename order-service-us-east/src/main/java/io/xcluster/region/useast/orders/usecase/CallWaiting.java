package io.xcluster.region.useast.orders.usecase;

import com.google.protobuf.Timestamp;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.xcluster.port.protection.DestinationGuard;
import io.xcluster.port.spi.CrossClusterCallActivity;
import java.time.Instant;
import java.util.Optional;

/**
 * Why an order's cross-cluster call has not gone through: the last failure of its pending call
 * activity, as us-east records it. Whichever transport carries the call, a call waiting in Temporal
 * is a retrying activity, so the reason is read from us-east alone, without asking a transport.
 *
 * @param blocked true when the transport turned the call away on purpose (a cap, an open circuit
 *     breaker: {@link DestinationGuard#BLOCKED}); false when a try failed (the target or the broker
 *     did not answer)
 * @param reason the transport's own words
 * @param attempt the attempt that comes next
 * @param nextAttemptAt when it comes, or null when the server does not say
 */
public record CallWaiting(boolean blocked, String reason, int attempt, Instant nextAttemptAt) {

  static Optional<CallWaiting> of(DescribeWorkflowExecutionResponse described) {
    return described.getPendingActivitiesList().stream()
        .filter(
            pending ->
                CrossClusterCallActivity.CALL_ACTIVITY.equals(pending.getActivityType().getName()))
        .filter(PendingActivityInfo::hasLastFailure)
        .filter(pending -> !attemptRunsSinceTheFailure(pending))
        .findFirst()
        .map(CallWaiting::from);
  }

  /**
   * An attempt started after the last one failed and runs now: it may well have gone through (a
   * call the bridge holds runs for its whole life), so the old failure is no reason any more.
   */
  private static boolean attemptRunsSinceTheFailure(PendingActivityInfo pending) {
    return pending.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
        && pending.hasLastStartedTime()
        && pending.hasLastAttemptCompleteTime()
        && instant(pending.getLastStartedTime())
            .isAfter(instant(pending.getLastAttemptCompleteTime()));
  }

  private static CallWaiting from(PendingActivityInfo pending) {
    var failure = pending.getLastFailure();
    boolean blocked =
        failure.hasApplicationFailureInfo()
            && DestinationGuard.BLOCKED.equals(failure.getApplicationFailureInfo().getType());
    return new CallWaiting(
        blocked,
        failure.getMessage(),
        pending.getAttempt(),
        pending.hasNextAttemptScheduleTime()
            ? instant(pending.getNextAttemptScheduleTime())
            : null);
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
