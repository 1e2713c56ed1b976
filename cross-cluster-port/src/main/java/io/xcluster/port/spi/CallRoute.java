package io.xcluster.port.spi;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Objects;

/**
 * How the workflow-side client reaches one transport: the activity task queue in the calling
 * cluster, the heartbeat timeout after which a silent transport process counts as dead (and the
 * call is retried on another replica), and the {@link OutcomeProtocol} by which the outcome comes
 * back.
 *
 * <p>Recorded in the calling workflow's history once per execution, so in-flight calls keep their
 * transport when the configuration changes.
 */
public record CallRoute(
    String transport,
    String taskQueue,
    @JsonFormat(shape = JsonFormat.Shape.STRING) Duration heartbeatTimeout,
    OutcomeProtocol protocol) {

  public CallRoute {
    if (transport == null || transport.isBlank()) {
      throw new IllegalArgumentException("route transport must not be blank");
    }
    if (taskQueue == null || taskQueue.isBlank()) {
      throw new IllegalArgumentException("route taskQueue must not be blank");
    }
    Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
    if (heartbeatTimeout.isNegative() || heartbeatTimeout.isZero()) {
      throw new IllegalArgumentException(
          "route heartbeatTimeout must be positive, was " + heartbeatTimeout);
    }
    Objects.requireNonNull(protocol, "route protocol");
  }

  /**
   * The boolean that stood for the protocol before it had a name: {@code true} is {@link
   * OutcomeProtocol#RETURNED_BY_ACTIVITY}, {@code false} {@link
   * OutcomeProtocol#SIGNALED_AFTER_HANDOVER}.
   *
   * @deprecated name the {@link OutcomeProtocol}
   */
  @Deprecated
  public CallRoute(
      String transport, String taskQueue, Duration heartbeatTimeout, boolean outcomeByActivity) {
    this(transport, taskQueue, heartbeatTimeout, protocolOf(outcomeByActivity));
  }

  /**
   * Reads a recorded route: histories written before the protocol had a name carry the boolean
   * {@code outcomeByActivity} instead, and must still replay.
   */
  @JsonCreator
  static CallRoute fromJson(
      @JsonProperty("transport") String transport,
      @JsonProperty("taskQueue") String taskQueue,
      @JsonProperty("heartbeatTimeout") @JsonFormat(shape = JsonFormat.Shape.STRING)
          Duration heartbeatTimeout,
      @JsonProperty("protocol") OutcomeProtocol protocol,
      @JsonProperty("outcomeByActivity") Boolean outcomeByActivity) {
    if (protocol == null && outcomeByActivity == null) {
      throw new IllegalArgumentException(
          "recorded route names neither protocol nor outcomeByActivity");
    }
    return new CallRoute(
        transport,
        taskQueue,
        heartbeatTimeout,
        protocol != null ? protocol : protocolOf(outcomeByActivity));
  }

  private static OutcomeProtocol protocolOf(boolean outcomeByActivity) {
    return outcomeByActivity
        ? OutcomeProtocol.RETURNED_BY_ACTIVITY
        : OutcomeProtocol.SIGNALED_AFTER_HANDOVER;
  }

  public CallRoute withHeartbeatTimeout(Duration timeout) {
    return new CallRoute(transport, taskQueue, timeout, protocol);
  }
}
