package io.xcluster.port.spi;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallRequest;

/**
 * The activity every transport implements on its task queue in the calling cluster.
 *
 * <p>{@link #call} starts the remote workflow under the call id (attaching to an existing run) and
 * either returns its outcome ({@link CallRoute#outcomeByActivity()}) or returns {@code null} once
 * the call is durably handed over, the outcome following as a {@link CallOutcomeDelivery} signal.
 * Transport trouble must surface as a retryable activity failure, never as an outcome. An {@link
 * CallRequest#attachOnly() attach-only} request (sent on {@link
 * OutcomeProtocol#RETURNED_OR_SIGNALED} routes after the caller canceled) never starts the remote
 * run: it attaches to an existing one, or returns {@link CallOutcome#canceled()} when there is
 * none.
 */
@ActivityInterface
public interface CrossClusterCallActivity {

  String CALL_ACTIVITY = "CrossClusterCall";
  String CANCEL_ACTIVITY = "CrossClusterCancel";

  @ActivityMethod(name = CALL_ACTIVITY)
  CallOutcome call(CallRequest request);

  /** Requests cancellation of the remote workflow of this call; idempotent. */
  @ActivityMethod(name = CANCEL_ACTIVITY)
  void cancel(CallRequest request);
}
