package io.xcluster.region.euwest.fulfillment.workflow;

/** The result of a fulfillment: which carrier has the parcel under which tracking number. */
public record Shipment(String orderId, String parcelId, String carrier, String trackingNumber) {}
