package io.xcluster.transport.nats;

import io.xcluster.port.call.RemoteTarget;
import java.util.Optional;

/**
 * The cluster and namespace a relay starts runs on: a message naming another was routed to the
 * wrong relay (a deployment error), and is refused by name rather than run in the wrong place.
 */
record ServedTarget(String cluster, String namespace) {

  /**
   * Why {@code what} (e.g. "call x") may not run here; empty if it names this cluster and
   * namespace.
   */
  Optional<String> refusal(String what, RemoteTarget target) {
    if (cluster.equals(target.cluster()) && namespace.equals(target.namespace())) {
      return Optional.empty();
    }
    return Optional.of(
        what
            + " names cluster/namespace "
            + target.cluster()
            + "/"
            + target.namespace()
            + ", this relay serves "
            + cluster
            + "/"
            + namespace);
  }
}
