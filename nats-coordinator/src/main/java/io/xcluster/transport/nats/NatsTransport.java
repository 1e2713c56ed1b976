package io.xcluster.transport.nats;

import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CrossClusterTransport;
import io.xcluster.port.spi.OutcomeProtocol;
import java.time.Duration;

/**
 * The NATS coordinator as the calling side's configuration sees it: {@code
 * XCLUSTER_TRANSPORT=nats}.
 */
public final class NatsTransport implements CrossClusterTransport {

  public static final String NAME = "nats";

  /** The publish activity is short; a silent worker is replaced quickly. */
  public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);

  /** The task queue in the calling cluster where calls to {@code targetCluster} are published. */
  /**
   * Where remote runs report progress, on the target cluster: the relay polls it and publishes the
   * reports on their callers' results subjects.
   */
  public static final String PROGRESS_QUEUE = "nats-relay-progress";

  public static String taskQueueFor(String targetCluster) {
    return "nats-to-" + targetCluster;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CallRoute routeTo(String targetCluster) {
    return new CallRoute(
        NAME,
        taskQueueFor(targetCluster),
        HEARTBEAT_TIMEOUT,
        OutcomeProtocol.SIGNALED_AFTER_HANDOVER);
  }
}
