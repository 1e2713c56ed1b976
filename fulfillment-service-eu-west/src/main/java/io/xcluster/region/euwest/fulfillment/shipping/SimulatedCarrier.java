package io.xcluster.region.euwest.fulfillment.shipping;

import io.xcluster.port.activity.HeartbeatingWait;
import io.xcluster.region.euwest.fulfillment.warehouse.PackedParcel;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulatedFlakiness;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulatedJobs;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.euwest.fulfillment.workflow.Shipment;

/**
 * A simulated carrier: takes {@link SimulationSettings#stepDelay()} to accept a parcel, keyed by
 * the parcel id (a retried attempt joins the hand-over under way, never books a second shipment);
 * the tracking number is derived from the parcel. The attempt heartbeats while the carrier works.
 */
public final class SimulatedCarrier implements ShippingActivities {

  public static final String CARRIER = "SIM-EXPRESS";

  private final SimulatedFlakiness flakiness;
  private final SimulatedJobs shipments;

  public SimulatedCarrier(SimulationSettings settings) {
    this.flakiness = new SimulatedFlakiness(settings);
    this.shipments = new SimulatedJobs(settings.stepDelay());
  }

  @Override
  public Shipment ship(PackedParcel parcel, String destinationCountry) {
    flakiness.step("handing " + parcel.parcelId() + " to the carrier", CARRIER_UNAVAILABLE);
    String tracking =
        "TRK-" + (destinationCountry == null ? "EU" : destinationCountry) + "-" + parcel.orderId();
    return HeartbeatingWait.await(
        shipments.runOnce(
            "ship:" + parcel.parcelId(),
            () -> new Shipment(parcel.orderId(), parcel.parcelId(), CARRIER, tracking)),
        HeartbeatingWait.OnCancel.STOP);
  }

  /** Shipments the carrier actually booked (one per parcel however often it was asked). */
  public int shipmentsBooked() {
    return shipments.started();
  }
}
