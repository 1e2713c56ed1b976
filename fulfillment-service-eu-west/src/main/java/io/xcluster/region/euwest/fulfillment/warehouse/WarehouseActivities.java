package io.xcluster.region.euwest.fulfillment.warehouse;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentRequest;

/**
 * The EU warehouse. Fails with the non-retryable type {@link #UNKNOWN_SKU} for SKUs it does not
 * stock.
 */
@ActivityInterface
public interface WarehouseActivities {

  String UNKNOWN_SKU = "UnknownSku";
  String WAREHOUSE_UNAVAILABLE = "WarehouseUnavailable";

  @ActivityMethod(name = "PickAndPack")
  PackedParcel pickAndPack(FulfillmentRequest request);
}
