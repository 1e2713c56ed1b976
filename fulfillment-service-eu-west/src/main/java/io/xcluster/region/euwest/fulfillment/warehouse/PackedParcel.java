package io.xcluster.region.euwest.fulfillment.warehouse;

/** A parcel packed for one order, ready to hand to a carrier. */
public record PackedParcel(String orderId, String parcelId, int itemCount) {}
