package io.xcluster.testkit.contract;

import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.testkit.temporal.EmbeddedTemporalServer;

/**
 * Two independent Temporal clusters: the source ("us-east") and the target ("eu-west") of the
 * contract kit's calls. By default two in-process servers on free loopback ports; the real-stack
 * tier passes real servers instead.
 */
public final class ContractClusters implements AutoCloseable {

  public static final String SOURCE = "us-east";
  public static final String TARGET = "eu-west";
  public static final String NAMESPACE = "default";

  private final ClusterEndpoint source;
  private final ClusterEndpoint target;
  private final AutoCloseable servers;

  /**
   * @param servers stops both clusters' servers
   */
  public ContractClusters(ClusterEndpoint source, ClusterEndpoint target, AutoCloseable servers) {
    this.source = source;
    this.target = target;
    this.servers = servers;
  }

  /** Two in-process Java test servers on free loopback ports. */
  public static ContractClusters embedded() {
    EmbeddedTemporalServer sourceServer = EmbeddedTemporalServer.start(0);
    EmbeddedTemporalServer targetServer = EmbeddedTemporalServer.start(0);
    return new ContractClusters(
        ClusterEndpoint.loopback(SOURCE, sourceServer.port()),
        ClusterEndpoint.loopback(TARGET, targetServer.port()),
        () -> {
          sourceServer.close();
          targetServer.close();
        });
  }

  public ClusterEndpoint source() {
    return source;
  }

  public ClusterEndpoint target() {
    return target;
  }

  public ClusterConnection connectSource() {
    return ClusterConnection.open(source);
  }

  public ClusterConnection connectTarget() {
    return ClusterConnection.open(target);
  }

  @Override
  public void close() {
    try {
      servers.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the contract clusters: " + e.getMessage(), e);
    }
  }
}
