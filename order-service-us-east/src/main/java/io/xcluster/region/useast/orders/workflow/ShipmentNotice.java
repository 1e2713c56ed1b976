package io.xcluster.region.useast.orders.workflow;

/** us-east's view of eu-west's {@code FulfillmentWorkflow} result (the fields it needs). */
public record ShipmentNotice(String orderId, String carrier, String trackingNumber) {}
