package io.xcluster.region.useast.orders.workflow;

/**
 * eu-west's verdict on an address change, as the order reports it.
 *
 * @param address the address eu-west now ships to, when accepted
 * @param rejectionType eu-west's reason type when rejected (e.g. {@code AddressChangeTooLate}), or
 *     {@link OrderWorkflow#FULFILLMENT_UNREACHABLE} when no verdict could be had
 * @param reason eu-west's own words when rejected
 * @param requested the address the change asked for, so that a request id sent again with another
 *     address is told apart from a retry; null in verdicts recorded before it was kept
 */
public record AddressChangeResult(
    boolean accepted,
    DeliveryAddress address,
    String rejectionType,
    String reason,
    DeliveryAddress requested) {

  static AddressChangeResult accepted(DeliveryAddress address, DeliveryAddress requested) {
    return new AddressChangeResult(true, address, null, null, requested);
  }

  static AddressChangeResult rejected(String type, String reason, DeliveryAddress requested) {
    return new AddressChangeResult(false, null, type, reason, requested);
  }
}
