package io.xcluster.region.euwest.fulfillment.shipping;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.xcluster.region.euwest.fulfillment.warehouse.PackedParcel;
import io.xcluster.region.euwest.fulfillment.workflow.Shipment;

/** The carrier that takes packed parcels. */
@ActivityInterface
public interface ShippingActivities {

  String CARRIER_UNAVAILABLE = "CarrierUnavailable";

  @ActivityMethod(name = "Ship")
  Shipment ship(PackedParcel parcel, String destinationCountry);
}
