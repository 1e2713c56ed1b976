package io.xcluster.transport.direct;

import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CrossClusterTransport;
import io.xcluster.port.spi.OutcomeProtocol;
import java.time.Duration;

/**
 * NOT FOR PRODUCTION: {@code XCLUSTER_TRANSPORT=direct}, a transport that exists to prove that a
 * new one needs no edit outside its module (docs/adding-a-transport.md). Its activity holds a
 * thread for every open call, which breaks the port's "no thread per in-flight call".
 */
public final class DirectTransport implements CrossClusterTransport {

  public static final String NAME = "direct";

  /**
   * A silent process is taken for dead after this long; the retried call attaches to the same
   * remote run.
   */
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  static String taskQueueFor(String targetCluster) {
    return "direct-to-" + targetCluster;
  }

  /** Where remote runs report progress, on the target cluster, for callers in {@code source}. */
  static String progressQueueFor(String sourceCluster) {
    return "direct-progress-to-" + sourceCluster;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CallRoute routeTo(String targetCluster) {
    return new CallRoute(
        NAME, taskQueueFor(targetCluster), HEARTBEAT_TIMEOUT, OutcomeProtocol.RETURNED_BY_ACTIVITY);
  }
}
