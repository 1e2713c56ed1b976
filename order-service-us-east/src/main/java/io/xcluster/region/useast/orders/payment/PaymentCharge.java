package io.xcluster.region.useast.orders.payment;

/**
 * A charge as the gateway takes it. {@code idempotencyKey} is derived from the order id, never from
 * the workflow run: however often and by whichever run the order asks, the gateway charges once and
 * answers a repeat with the first charge's receipt.
 */
public record PaymentCharge(
    String idempotencyKey, String orderId, String customerId, long amountCents, String currency) {

  /** The charge of order {@code orderId}, under the key {@code charge:<orderId>}. */
  public static PaymentCharge forOrder(
      String orderId, String customerId, long amountCents, String currency) {
    return new PaymentCharge("charge:" + orderId, orderId, customerId, amountCents, currency);
  }
}
