package io.xcluster.port.spi;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.time.Duration;
import java.util.Objects;

/**
 * How the workflow-side client reaches one transport: the activity task queue in the calling
 * cluster, the heartbeat timeout after which a silent transport process counts as dead (and the
 * call is retried on another replica), and whether the activity itself returns the outcome
 * ({@code outcomeByActivity}, e.g. the bridge) or only hands the call over and the outcome
 * arrives later as a signal (e.g. a broker).
 *
 * <p>Recorded in the calling workflow's history once per execution, so in-flight calls keep
 * their transport when the configuration changes.
 */
public record CallRoute(String transport, String taskQueue, @JsonFormat(shape = JsonFormat.Shape.STRING) Duration heartbeatTimeout, boolean outcomeByActivity) {

  public CallRoute {
    if (transport == null || transport.isBlank()) {
      throw new IllegalArgumentException("route transport must not be blank");
    }
    if (taskQueue == null || taskQueue.isBlank()) {
      throw new IllegalArgumentException("route taskQueue must not be blank");
    }
    Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
    if (heartbeatTimeout.isNegative() || heartbeatTimeout.isZero()) {
      throw new IllegalArgumentException("route heartbeatTimeout must be positive, was " + heartbeatTimeout);
    }
  }

  public CallRoute withHeartbeatTimeout(Duration timeout) {
    return new CallRoute(transport, taskQueue, timeout, outcomeByActivity);
  }
}
