package io.xcluster.region.useast.orders.workflow;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How far eu-west has got with an order's fulfillment, as its run reports it while the call is
 * open: us-east's own reading of eu-west's report (fields it does not know are ignored).
 *
 * @param stage eu-west's stage: PICKING_AND_PACKING, SHIPPING, SHIPPED
 * @param carrier the carrier once the parcel is with one; null before
 * @param trackingNumber the carrier's tracking number once known; null before
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FulfillmentProgress(String stage, String carrier, String trackingNumber) {}
