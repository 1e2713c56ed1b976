package io.xcluster.region.euwest.fulfillment.workflow;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Workflow;
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

  /** The change id under which the carrier gets the changed address in full. */
  static final String FULL_ADDRESS_TO_CARRIER = "full-changed-address-to-carrier";

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
        asBusinessFailure(() -> shipToTheCurrentAddress(parcel, request.destinationCountry()));
    stage = FulfillmentStage.SHIPPED;
    progress.report(FulfillmentProgress.shipped(shipment));
    return shipment;
  }

  /**
   * Hands the carrier the changed address in full, so a change within a country (a new street)
   * reaches it too. Histories from before this change handed it only the changed country: same
   * commands, other input, kept as it was. Asked only when there is a change, so histories without
   * one carry no marker.
   */
  private Shipment shipToTheCurrentAddress(PackedParcel parcel, String orderedCountry) {
    if (changedAddress == null) {
      return shipping.ship(parcel, orderedCountry, null);
    }
    if (Workflow.getVersion(FULL_ADDRESS_TO_CARRIER, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return shipping.ship(parcel, changedAddress.country(), null);
    }
    return shipping.ship(parcel, orderedCountry, changedAddress);
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
