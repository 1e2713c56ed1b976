package io.xcluster.transport.bridge;

import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.protection.DestinationLimits;
import io.xcluster.transport.bridge.callback.CallbackSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * One bridge process: it polls {@code taskQueue} on the {@code source} cluster and starts the
 * remote workflows on the {@code target} cluster.
 *
 * @param heartbeatTick how often the bridge looks for in-flight calls due a heartbeat; each call is
 *     heartbeated at a third of the heartbeat timeout its caller set
 * @param callbacks the callback mode's endpoint; null for the heartbeat mode, in which the bridge
 *     holds every call until its remote run ends
 * @param limits the caps and the circuit breaker for calls to the target; null: {@link
 *     DestinationLimits#DEFAULTS}
 */
public record BridgeSettings(
    ClusterEndpoint source,
    ClusterEndpoint target,
    String taskQueue,
    Duration heartbeatTick,
    Duration connectTimeout,
    CallbackSettings callbacks,
    DestinationLimits limits) {

  public static final Duration DEFAULT_HEARTBEAT_TICK = Duration.ofMillis(500);

  public BridgeSettings {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    if (taskQueue == null || taskQueue.isBlank()) {
      taskQueue = BridgeTransport.taskQueueFor(target.name());
    }
    heartbeatTick = heartbeatTick == null ? DEFAULT_HEARTBEAT_TICK : heartbeatTick;
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
    limits = limits == null ? DestinationLimits.DEFAULTS : limits;
  }

  /** A bridge with the default limits. */
  public BridgeSettings(
      ClusterEndpoint source,
      ClusterEndpoint target,
      String taskQueue,
      Duration heartbeatTick,
      Duration connectTimeout,
      CallbackSettings callbacks) {
    this(source, target, taskQueue, heartbeatTick, connectTimeout, callbacks, null);
  }

  /** A bridge in the heartbeat mode. */
  public BridgeSettings(
      ClusterEndpoint source,
      ClusterEndpoint target,
      String taskQueue,
      Duration heartbeatTick,
      Duration connectTimeout) {
    this(source, target, taskQueue, heartbeatTick, connectTimeout, null);
  }

  /**
   * A bridge with the defaults: queue {@code bridge-to-<target>}, 500 ms tick, 10 s connect
   * timeout, heartbeat mode.
   */
  public static BridgeSettings between(ClusterEndpoint source, ClusterEndpoint target) {
    return new BridgeSettings(source, target, null, null, null);
  }

  /** The same bridge in the callback mode, with this endpoint. */
  public BridgeSettings withCallbacks(CallbackSettings endpoint) {
    return new BridgeSettings(
        source, target, taskQueue, heartbeatTick, connectTimeout, endpoint, limits);
  }

  /** The same bridge with these caps and breaker for its calls to the target. */
  public BridgeSettings withLimits(DestinationLimits destinationLimits) {
    return new BridgeSettings(
        source, target, taskQueue, heartbeatTick, connectTimeout, callbacks, destinationLimits);
  }
}
