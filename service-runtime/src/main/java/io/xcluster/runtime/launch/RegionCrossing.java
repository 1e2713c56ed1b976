package io.xcluster.runtime.launch;

/**
 * Routes one connection that crosses from one region to the other (through a WAN, or a proxy that
 * stands in for one): given what a process would dial, it answers what to dial instead.
 */
public interface RegionCrossing {

  /** The two sides of a cross-cluster call. */
  enum Region {
    /** Where the calling cluster lives (us-east). */
    CALLING,
    /** Where the target cluster lives (eu-west). */
    TARGET
  }

  /**
   * @param link a name for the connection, unique within the placement, e.g. {@code frontend}
   * @param upstream the host:port the process would dial
   * @param from the region the dialling process lives in
   * @return the host:port to dial instead
   */
  String cross(String link, String upstream, Region from);

  /**
   * A NATS server of its own in region {@code in}, without JetStream: a leaf node of the JetStream
   * server the launch's NATS URL names, which lives in the other region. Clients in {@code in}
   * connect to it locally and use the other region's streams through it, in that server's JetStream
   * domain; only its one leaf-node connection crosses the regions (through {@code link}).
   *
   * @param link a name for the leaf-node connection, unique within the placement
   * @param in the region the leaf lives in
   * @throws UnsupportedOperationException where the regions cannot run a NATS server of their own
   */
  default NatsLeaf natsLeaf(String link, Region in) {
    throw new UnsupportedOperationException(
        "these regions start no NATS server of their own: no leaf node for link " + link);
  }

  /**
   * A leaf node's address for clients, {@code nats://host:port}, and the JetStream domain their
   * requests for the streams name.
   */
  record NatsLeaf(String url, String jetStreamDomain) {}
}
