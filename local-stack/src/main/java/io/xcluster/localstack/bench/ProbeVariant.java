package io.xcluster.localstack.bench;

/** The two ways the benchmark has a fulfillment done. */
public enum ProbeVariant {
  /** FulfillmentWorkflow as a child workflow in the same cluster: the limit a transport approaches. */
  IN_CLUSTER_CHILD,
  /** FulfillmentWorkflow in the other cluster, through the port and the configured transport. */
  CROSS_CLUSTER
}
