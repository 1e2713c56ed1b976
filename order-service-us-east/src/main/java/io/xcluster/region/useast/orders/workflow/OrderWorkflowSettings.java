package io.xcluster.region.useast.orders.workflow;

import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.spi.CallRoute;
import java.time.Duration;
import java.util.Objects;

/**
 * What an {@code OrderWorkflow} takes from its worker's configuration. Read once per execution and
 * recorded in history, so changing it affects new orders only.
 *
 * @param sourceCluster this cluster's name, the first segment of call ids
 * @param fulfillment where fulfillment runs (cluster, namespace, workflow type, queue, its timeout)
 * @param route the transport route for new orders
 * @param fulfillmentTimeout how long to wait for the fulfillment outcome before escalating
 */
public record OrderWorkflowSettings(
    String sourceCluster, RemoteTarget fulfillment, CallRoute route, Duration fulfillmentTimeout) {

  public static final Duration DEFAULT_FULFILLMENT_TIMEOUT = Duration.ofHours(48);
  public static final Duration DEFAULT_REMOTE_EXECUTION_TIMEOUT = Duration.ofDays(7);

  public OrderWorkflowSettings {
    Objects.requireNonNull(sourceCluster, "sourceCluster");
    Objects.requireNonNull(fulfillment, "fulfillment");
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(fulfillmentTimeout, "fulfillmentTimeout");
    if (fulfillmentTimeout.isNegative() || fulfillmentTimeout.isZero()) {
      throw new IllegalArgumentException(
          "fulfillment timeout must be positive, was " + fulfillmentTimeout);
    }
  }

  /**
   * eu-west's FulfillmentWorkflow on its {@code fulfillment} queue, given the cluster name and
   * namespace.
   */
  public static RemoteTarget euWestFulfillment(
      String cluster, String namespace, Duration executionTimeout) {
    return new RemoteTarget(
        cluster, namespace, "FulfillmentWorkflow", "fulfillment", executionTimeout);
  }
}
