package io.xcluster.transport.bridge;

import io.xcluster.port.cluster.ClusterEndpoint;
import java.time.Duration;
import java.util.Objects;

/**
 * One bridge process: it polls {@code taskQueue} on the {@code source} cluster and starts the
 * remote workflows on the {@code target} cluster.
 *
 * @param heartbeatTick how often the bridge looks for in-flight calls due a heartbeat; each call
 *     is heartbeated at a third of the heartbeat timeout its caller set
 */
public record BridgeSettings(
    ClusterEndpoint source, ClusterEndpoint target, String taskQueue, Duration heartbeatTick, Duration connectTimeout) {

  public static final Duration DEFAULT_HEARTBEAT_TICK = Duration.ofMillis(500);

  public BridgeSettings {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    if (taskQueue == null || taskQueue.isBlank()) {
      taskQueue = BridgeTransport.taskQueueFor(target.name());
    }
    heartbeatTick = heartbeatTick == null ? DEFAULT_HEARTBEAT_TICK : heartbeatTick;
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
  }

  /** A bridge with the defaults: queue {@code bridge-to-<target>}, 500 ms tick, 10 s connect timeout. */
  public static BridgeSettings between(ClusterEndpoint source, ClusterEndpoint target) {
    return new BridgeSettings(source, target, null, null, null);
  }
}
