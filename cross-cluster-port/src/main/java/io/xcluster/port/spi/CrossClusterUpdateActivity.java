package io.xcluster.port.spi;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.xcluster.port.call.RemoteUpdate;
import io.xcluster.port.call.UpdateVerdict;

/**
 * The activity a transport implements, beside {@link CrossClusterCallActivity} and on the same task
 * queue, to forward updates to running remote calls. A transport that does not register it answers
 * the caller's forward with "activity type not registered", which the caller reports as {@link
 * UpdateVerdict#NOT_SUPPORTED}.
 */
@ActivityInterface
public interface CrossClusterUpdateActivity {

  String UPDATE_ACTIVITY = "CrossClusterUpdate";

  /**
   * Forwards a Temporal update to the call's running remote workflow under {@link
   * RemoteUpdate#updateId()}: returns the remote {@link UpdateVerdict}, or {@code null} once the
   * update is durably handed over (the verdict then follows as a {@link
   * CallOutcomeDelivery#verdict} signal). An unreachable target, or a remote run not started yet,
   * is a retryable failure, never a verdict.
   */
  @ActivityMethod(name = UPDATE_ACTIVITY)
  UpdateVerdict update(RemoteUpdate update);
}
