package io.xcluster.port.cluster;

/**
 * A cluster's frontend could not be reached at start-up; the message names the cluster and address.
 */
public final class ClusterUnreachableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ClusterUnreachableException(ClusterEndpoint endpoint, Throwable cause) {
    super(
        "cannot reach the "
            + endpoint.name()
            + " Temporal frontend at "
            + endpoint.address()
            + " (namespace "
            + endpoint.namespace()
            + "): "
            + rootMessage(cause),
        cause);
  }

  private static String rootMessage(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
