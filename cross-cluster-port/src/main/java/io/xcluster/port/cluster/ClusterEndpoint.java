package io.xcluster.port.cluster;

/**
 * Where one region's Temporal cluster is reached: a name for messages, its frontend address, the
 * namespace, and TLS ({@code null}: plaintext, as on a loopback dev server).
 */
public record ClusterEndpoint(String name, String address, String namespace, ClusterTls tls) {

  public ClusterEndpoint(String name, String address, String namespace) {
    this(name, address, namespace, null);
  }

  public ClusterEndpoint {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("cluster name must not be blank");
    }
    if (address == null || !address.matches("[^:\\s]+:\\d{1,5}")) {
      throw new IllegalArgumentException(
          "cluster " + name + ": address '" + address + "' is not of the form host:port");
    }
    if (namespace == null || namespace.isBlank()) {
      throw new IllegalArgumentException("cluster " + name + ": namespace must not be blank");
    }
  }

  /** The same cluster reached at {@code newAddress} (e.g. through a proxy). */
  public ClusterEndpoint withAddress(String newAddress) {
    return new ClusterEndpoint(name, newAddress, namespace, tls);
  }

  /** For logs: {@code us-east (127.0.0.1:7233, namespace default, mTLS)}. */
  public String describe() {
    String security = tls == null ? "plaintext" : tls.mutual() ? "mTLS" : "TLS";
    return name + " (" + address + ", namespace " + namespace + ", " + security + ")";
  }

  public static ClusterEndpoint loopback(String name, int port) {
    return new ClusterEndpoint(name, "127.0.0.1:" + port, "default");
  }
}
