package io.xcluster.region.euwest.fulfillment.shipping;

import io.xcluster.port.activity.HeartbeatingWait;
import io.xcluster.region.euwest.fulfillment.warehouse.PackedParcel;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulatedFlakiness;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulatedJobs;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.euwest.fulfillment.workflow.DeliveryAddress;
import io.xcluster.region.euwest.fulfillment.workflow.Shipment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A simulated carrier: takes {@link SimulationSettings#stepDelay()} to accept a parcel, keyed by
 * the parcel id (a retried attempt joins the hand-over under way, never books a second shipment);
 * the tracking number is derived from the parcel. The attempt heartbeats while the carrier works.
 */
public final class SimulatedCarrier implements ShippingActivities {

  public static final String CARRIER = "SIM-EXPRESS";

  private final SimulatedFlakiness flakiness;
  private final SimulatedJobs shipments;
  private final Map<String, String> destinations = new ConcurrentHashMap<>();

  public SimulatedCarrier(SimulationSettings settings) {
    this.flakiness = new SimulatedFlakiness(settings);
    this.shipments = new SimulatedJobs(settings.stepDelay());
  }

  @Override
  public Shipment ship(
      PackedParcel parcel, String destinationCountry, DeliveryAddress changedAddress) {
    flakiness.step("handing " + parcel.parcelId() + " to the carrier", CARRIER_UNAVAILABLE);
    String country = changedAddress == null ? destinationCountry : changedAddress.country();
    String tracking = "TRK-" + (country == null ? "EU" : country) + "-" + parcel.orderId();
    return HeartbeatingWait.await(
        shipments.runOnce(
            "ship:" + parcel.parcelId(),
            () -> {
              destinations.put(
                  parcel.parcelId(),
                  changedAddress == null ? String.valueOf(country) : changedAddress.toString());
              return new Shipment(parcel.orderId(), parcel.parcelId(), CARRIER, tracking);
            }),
        HeartbeatingWait.OnCancel.STOP);
  }

  /**
   * Where the carrier was told to take the parcel: the full changed address, or the order's
   * country; null if it was never booked.
   */
  public String bookedDestination(String parcelId) {
    return destinations.get(parcelId);
  }

  /** Shipments the carrier actually booked (one per parcel however often it was asked). */
  public int shipmentsBooked() {
    return shipments.started();
  }
}
