package io.xcluster.region.euwest.fulfillment.warehouse;

import io.temporal.failure.ApplicationFailure;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentRequest;
import io.xcluster.region.euwest.fulfillment.workflow.OrderLine;
import java.util.regex.Pattern;

/**
 * A simulated EU warehouse: stocks SKU-001 … SKU-999, takes {@link SimulationSettings#stepDelay()},
 * and fails transiently at the configured rate. Replace with the real warehouse client when forking.
 */
public final class SimulatedWarehouse implements WarehouseActivities {

  private static final Pattern STOCKED_SKU = Pattern.compile("SKU-\\d{3}");

  private final SimulatedFlakiness flakiness;

  public SimulatedWarehouse(SimulationSettings settings) {
    this.flakiness = new SimulatedFlakiness(settings);
  }

  @Override
  public PackedParcel pickAndPack(FulfillmentRequest request) {
    if (request.lines().isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "order " + request.orderId() + " has no lines to pick", "EmptyFulfillment");
    }
    int items = 0;
    for (OrderLine line : request.lines()) {
      if (line.sku() == null || !STOCKED_SKU.matcher(line.sku()).matches()) {
        throw ApplicationFailure.newNonRetryableFailure(
            "unknown SKU '" + line.sku() + "' in order " + request.orderId(), UNKNOWN_SKU);
      }
      items += line.quantity();
    }
    flakiness.step("picking order " + request.orderId(), WAREHOUSE_UNAVAILABLE);
    return new PackedParcel(request.orderId(), "PARCEL-" + request.orderId(), items);
  }
}
