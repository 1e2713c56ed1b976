package io.xcluster.region.useast.orders.workflow;

import java.util.List;

/**
 * us-east's view of eu-west's {@code FulfillmentWorkflow} input. A copy of the JSON contract, not a
 * shared class: the regions share a wire format, never code.
 */
record FulfillmentOrder(String orderId, List<OrderLine> lines, String destinationCountry) {}
