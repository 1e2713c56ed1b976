package io.xcluster.transport.bridge;

import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CrossClusterTransport;
import io.xcluster.port.spi.OutcomeProtocol;
import java.time.Duration;

/**
 * The worker bridge as the calling side's configuration sees it: {@code XCLUSTER_TRANSPORT=bridge}.
 */
public final class BridgeTransport implements CrossClusterTransport {

  public static final String NAME = "bridge";

  /**
   * A bridge replica silent for this long is taken for dead, and the call moves to another replica.
   */
  public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);

  /** The task queue in the calling cluster that the bridge for {@code targetCluster} polls. */
  /**
   * Where remote runs report progress, on the target cluster, for callers in {@code sourceCluster}:
   * the bridge polls it there and signals the reports on.
   */
  public static String progressQueueFor(String sourceCluster) {
    return "bridge-progress-to-" + sourceCluster;
  }

  public static String taskQueueFor(String targetCluster) {
    return "bridge-to-" + targetCluster;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Whether a call is held (heartbeat mode) or handed over with a completion callback is the bridge
   * process's own setting, decided per call: callers need not know which.
   */
  @Override
  public CallRoute routeTo(String targetCluster) {
    return new CallRoute(
        NAME, taskQueueFor(targetCluster), HEARTBEAT_TIMEOUT, OutcomeProtocol.RETURNED_OR_SIGNALED);
  }
}
