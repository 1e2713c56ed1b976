package io.xcluster.port.contract;

import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;

/**
 * Two independent in-process Temporal servers on free loopback ports: the source ("us-east")
 * and the target ("eu-west") of the contract kit's calls.
 */
public final class ContractClusters implements AutoCloseable {

  public static final String SOURCE = "us-east";
  public static final String TARGET = "eu-west";
  public static final String NAMESPACE = "default";

  private final EmbeddedTemporalServer sourceServer;
  private final EmbeddedTemporalServer targetServer;
  private final ClusterEndpoint source;
  private final ClusterEndpoint target;

  public ContractClusters() {
    sourceServer = EmbeddedTemporalServer.start(0);
    targetServer = EmbeddedTemporalServer.start(0);
    source = ClusterEndpoint.loopback(SOURCE, sourceServer.port());
    target = ClusterEndpoint.loopback(TARGET, targetServer.port());
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
    sourceServer.close();
    targetServer.close();
  }
}
