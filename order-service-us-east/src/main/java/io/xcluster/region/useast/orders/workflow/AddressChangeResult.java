package io.xcluster.region.useast.orders.workflow;

/**
 * eu-west's verdict on an address change, as the order reports it.
 *
 * @param address the address eu-west now ships to, when accepted
 * @param rejectionType eu-west's reason type when rejected (e.g. {@code AddressChangeTooLate})
 * @param reason eu-west's own words when rejected
 */
public record AddressChangeResult(
    boolean accepted, DeliveryAddress address, String rejectionType, String reason) {}
