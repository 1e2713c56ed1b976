package io.xcluster.region.euwest.fulfillment.workflow;

/** Where a fulfillment is, as the {@code stage} query reports it. */
public enum FulfillmentStage {
  RECEIVED,
  PICKING_AND_PACKING,
  SHIPPING,
  SHIPPED
}
