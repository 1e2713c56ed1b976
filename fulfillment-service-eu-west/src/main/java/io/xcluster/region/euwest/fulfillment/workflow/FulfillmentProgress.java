package io.xcluster.region.euwest.fulfillment.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a fulfillment reports to whoever asked for it while it runs: the stage reached, and the
 * carrier and tracking number once the parcel is with one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FulfillmentProgress(FulfillmentStage stage, String carrier, String trackingNumber) {

  static FulfillmentProgress at(FulfillmentStage stage) {
    return new FulfillmentProgress(stage, null, null);
  }

  static FulfillmentProgress shipped(Shipment shipment) {
    return new FulfillmentProgress(
        FulfillmentStage.SHIPPED, shipment.carrier(), shipment.trackingNumber());
  }
}
