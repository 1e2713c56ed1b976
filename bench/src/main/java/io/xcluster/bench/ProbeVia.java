package io.xcluster.bench;

/** How a benchmark fulfillment reaches FulfillmentWorkflow. */
public enum ProbeVia {
  /** A child workflow in us-east itself: the same work without crossing anything (the baseline). */
  CHILD,
  /**
   * A Nexus operation to a second namespace on the same us-east server: the single-cluster peer.
   */
  NEXUS,
  /** Through the port and a cross-cluster transport to eu-west. */
  TRANSPORT
}
