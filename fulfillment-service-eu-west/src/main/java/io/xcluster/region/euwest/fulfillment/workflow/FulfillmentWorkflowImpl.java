package io.xcluster.region.euwest.fulfillment.workflow;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Functions;
import io.xcluster.port.workflow.CallProgressReporter;
import io.xcluster.region.euwest.fulfillment.shipping.ShippingActivities;
import io.xcluster.region.euwest.fulfillment.warehouse.PackedParcel;
import io.xcluster.region.euwest.fulfillment.warehouse.WarehouseActivities;

public final class FulfillmentWorkflowImpl implements FulfillmentWorkflow {

  private final WarehouseActivities warehouse =
      FulfillmentActivityTimeouts.TABLE.stub(WarehouseActivities.class);
  private final ShippingActivities shipping =
      FulfillmentActivityTimeouts.TABLE.stub(ShippingActivities.class);

  /** Reports each stage to the caller, through whichever transport carries the call, if any. */
  private final CallProgressReporter progress = new CallProgressReporter();

  private FulfillmentStage stage = FulfillmentStage.RECEIVED;
  private String orderId;
  private DeliveryAddress changedAddress;

  @Override
  public Shipment fulfill(FulfillmentRequest request) {
    orderId = request.orderId();
    stage = FulfillmentStage.PICKING_AND_PACKING;
    progress.report(FulfillmentProgress.at(stage));
    PackedParcel parcel = asBusinessFailure(() -> warehouse.pickAndPack(request));
    stage = FulfillmentStage.SHIPPING;
    progress.report(FulfillmentProgress.at(stage));
    Shipment shipment =
        asBusinessFailure(
            () ->
                shipping.ship(
                    parcel,
                    changedAddress == null
                        ? request.destinationCountry()
                        : changedAddress.country()));
    stage = FulfillmentStage.SHIPPED;
    progress.report(FulfillmentProgress.shipped(shipment));
    return shipment;
  }

  @Override
  public FulfillmentStage stage() {
    return stage;
  }

  @Override
  public void validateDeliveryAddress(DeliveryAddress address) {
    String problem = address == null ? "no address given" : address.problem();
    if (problem != null) {
      throw ApplicationFailure.newFailure("invalid address: " + problem, INVALID_ADDRESS);
    }
    if (stage == FulfillmentStage.SHIPPING || stage == FulfillmentStage.SHIPPED) {
      throw ApplicationFailure.newFailure(
          "the parcel for order "
              + orderId
              + " is already packed and with the carrier; its address can no longer change",
          ADDRESS_CHANGE_TOO_LATE);
    }
  }

  @Override
  public DeliveryAddress changeDeliveryAddress(DeliveryAddress address) {
    changedAddress = address;
    return address;
  }

  /**
   * Fails the workflow with the activity's own failure type and message (e.g. {@code UnknownSku}),
   * so the caller in the other cluster gets a failure it can act on instead of a wrapped one.
   */
  private static <T> T asBusinessFailure(Functions.Func<T> step) {
    try {
      return step.apply();
    } catch (ActivityFailure failure) {
      if (failure.getCause() instanceof ApplicationFailure cause) {
        throw ApplicationFailure.newNonRetryableFailure(
            cause.getOriginalMessage(), cause.getType());
      }
      throw failure;
    }
  }
}
