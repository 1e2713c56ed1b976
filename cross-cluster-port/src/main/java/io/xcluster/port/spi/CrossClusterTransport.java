package io.xcluster.port.spi;

/**
 * A transport as the calling side's composition root sees it, found by name with {@link
 * CrossClusterTransports}: region code never names a transport class. Implementations are listed in
 * {@code META-INF/services/io.xcluster.port.spi.CrossClusterTransport}.
 */
public interface CrossClusterTransport {

  /** The configuration value that selects this transport, e.g. {@code bridge}. */
  String name();

  /** The route to {@code targetCluster} through this transport. */
  CallRoute routeTo(String targetCluster);
}
