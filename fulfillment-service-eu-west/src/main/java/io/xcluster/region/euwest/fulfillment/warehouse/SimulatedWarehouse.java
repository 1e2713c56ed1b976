package io.xcluster.region.euwest.fulfillment.warehouse;

import io.temporal.failure.ApplicationFailure;
import io.xcluster.port.activity.HeartbeatingWait;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentRequest;
import io.xcluster.region.euwest.fulfillment.workflow.OrderLine;
import java.util.regex.Pattern;

/**
 * A simulated EU warehouse: stocks SKU-001 … SKU-999, takes {@link SimulationSettings#stepDelay()},
 * and fails transiently at the configured rate. Picking is keyed by the order id, as a real
 * warehouse's order number would be: a retried attempt joins the pick already under way instead of
 * picking twice. The attempt heartbeats while the warehouse works. Replace with the real warehouse
 * client when forking; keep the idempotency key and the heartbeating wait.
 */
public final class SimulatedWarehouse implements WarehouseActivities {

  private static final Pattern STOCKED_SKU = Pattern.compile("SKU-\\d{3}");

  private final SimulatedFlakiness flakiness;
  private final SimulatedJobs picks;

  public SimulatedWarehouse(SimulationSettings settings) {
    this.flakiness = new SimulatedFlakiness(settings);
    this.picks = new SimulatedJobs(settings.stepDelay());
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
    int itemCount = items;
    return HeartbeatingWait.await(
        picks.runOnce(
            "pick:" + request.orderId(),
            () -> new PackedParcel(request.orderId(), "PARCEL-" + request.orderId(), itemCount)),
        HeartbeatingWait.OnCancel.STOP);
  }

  /** Picks the warehouse actually performed (one per order however often it was asked). */
  public int picksPerformed() {
    return picks.started();
  }
}
