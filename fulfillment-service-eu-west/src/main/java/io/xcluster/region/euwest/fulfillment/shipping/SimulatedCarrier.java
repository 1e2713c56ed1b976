package io.xcluster.region.euwest.fulfillment.shipping;

import io.xcluster.region.euwest.fulfillment.warehouse.PackedParcel;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulatedFlakiness;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.euwest.fulfillment.workflow.Shipment;

/** A simulated carrier: the tracking number is derived from the parcel, so retries are idempotent. */
public final class SimulatedCarrier implements ShippingActivities {

  public static final String CARRIER = "SIM-EXPRESS";

  private final SimulatedFlakiness flakiness;

  public SimulatedCarrier(SimulationSettings settings) {
    this.flakiness = new SimulatedFlakiness(settings);
  }

  @Override
  public Shipment ship(PackedParcel parcel, String destinationCountry) {
    flakiness.step("handing " + parcel.parcelId() + " to the carrier", CARRIER_UNAVAILABLE);
    String tracking = "TRK-" + (destinationCountry == null ? "EU" : destinationCountry) + "-" + parcel.orderId();
    return new Shipment(parcel.orderId(), parcel.parcelId(), CARRIER, tracking);
  }
}
