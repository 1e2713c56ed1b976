package io.xcluster.region.useast.orders.payment;

/**
 * A refund of one charge. {@code idempotencyKey} is derived from the order id, so an order refunded
 * by two runs (or a retried attempt) is refunded once.
 */
public record PaymentRefund(String idempotencyKey, PaymentReceipt receipt, String reason) {

  /** The refund of {@code receipt}'s order, under the key {@code refund:<orderId>}. */
  public static PaymentRefund of(PaymentReceipt receipt, String reason) {
    return new PaymentRefund("refund:" + receipt.orderId(), receipt, reason);
  }
}
