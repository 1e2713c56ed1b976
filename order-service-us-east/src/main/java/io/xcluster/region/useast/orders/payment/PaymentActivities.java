package io.xcluster.region.useast.orders.payment;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The payment gateway. Charges and refunds carry an idempotency key derived from the order id
 * ({@link PaymentCharge#forOrder}, {@link PaymentRefund#of}): a retried attempt, or a second run of
 * the same order, gets the first answer and moves no money twice. A decline is the non-retryable
 * failure type {@link #PAYMENT_DECLINED}; a key reused for a different charge is {@link
 * #IDEMPOTENCY_KEY_REUSED}, as real gateways answer it. A charge whose first answer was since
 * refunded is {@link #PAYMENT_REFUNDED}: an order canceled and refunded, then started again under
 * its id, must not ship on the refunded receipt (a real gateway returns that receipt for the key,
 * so a fork's adapter checks the payment's refund state and refuses it the same way).
 */
@ActivityInterface
public interface PaymentActivities {

  String PAYMENT_DECLINED = "PaymentDeclined";
  String IDEMPOTENCY_KEY_REUSED = "IdempotencyKeyReused";
  String PAYMENT_REFUNDED = "PaymentRefunded";

  @ActivityMethod(name = "ChargePayment")
  PaymentReceipt charge(PaymentCharge charge);

  @ActivityMethod(name = "RefundPayment")
  void refund(PaymentRefund refund);
}
