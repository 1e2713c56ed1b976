package io.xcluster.region.useast.orders.usecase;

import com.google.protobuf.Timestamp;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.xcluster.port.protection.DestinationGuard;
import io.xcluster.port.spi.CallWaitingNotice;
import io.xcluster.port.spi.CrossClusterCallActivity;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Why an order's cross-cluster call has not gone through: the last failure of its pending call
 * activity, as us-east records it (a call waiting in Temporal is a retrying activity, so this needs
 * no transport); or, for a call already handed over to a transport that holds it (NATS: the relay
 * in eu-west), what that transport signalled to the order.
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

  /** What a transport holding the call (NATS: the relay in eu-west) said about it. */
  static CallWaiting of(CallWaitingNotice notice) {
    return new CallWaiting(
        notice.blocked(),
        notice.reason(),
        notice.attempt() + 1,
        notice.nextAttemptAtMillis() == null
            ? null
            : Instant.ofEpochMilli(notice.nextAttemptAtMillis()));
  }

  /**
   * An attempt started after the last one failed and runs now: it may well have gone through (a
   * call the bridge holds runs for its whole life), so the old failure is no reason any more.
   */
  /**
   * A transport holding a call tells again while the call waits (at most a minute after its last
   * "asks again at"); a notice whose next attempt is this long past came from a sender that is gone
   * (a relay restarted: the call went on without telling), so it says nothing any more.
   */
  static final Duration STALE_AFTER = Duration.ofMinutes(3);

  /** This, or null when its next attempt is more than {@link #STALE_AFTER} past {@code now}. */
  CallWaiting unlessStale(Instant now) {
    return nextAttemptAt != null && nextAttemptAt.plus(STALE_AFTER).isBefore(now) ? null : this;
  }

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
