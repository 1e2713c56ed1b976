package io.xcluster.port.cluster;

/** Where one region's Temporal cluster is reached: a name for messages, its frontend address, the namespace. */
public record ClusterEndpoint(String name, String address, String namespace) {

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

  public static ClusterEndpoint loopback(String name, int port) {
    return new ClusterEndpoint(name, "127.0.0.1:" + port, "default");
  }
}
