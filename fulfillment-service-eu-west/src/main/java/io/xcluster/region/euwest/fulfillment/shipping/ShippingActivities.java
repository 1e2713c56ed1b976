package io.xcluster.region.euwest.fulfillment.shipping;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.xcluster.region.euwest.fulfillment.warehouse.PackedParcel;
import io.xcluster.region.euwest.fulfillment.workflow.DeliveryAddress;
import io.xcluster.region.euwest.fulfillment.workflow.Shipment;

/** The carrier that takes packed parcels. */
@ActivityInterface
public interface ShippingActivities {

  String CARRIER_UNAVAILABLE = "CarrierUnavailable";

  /**
   * Books the parcel with the carrier.
   *
   * @param destinationCountry the order's country, where the parcel goes unless the customer
   *     changed the address
   * @param changedAddress the address the customer changed to while the parcel was packed, or null;
   *     null too in attempts scheduled before this parameter existed (the SDK fills a missing
   *     trailing argument with null), which then ship to the country as they always did
   */
  @ActivityMethod(name = "Ship")
  Shipment ship(PackedParcel parcel, String destinationCountry, DeliveryAddress changedAddress);
}
