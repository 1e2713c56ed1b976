package io.xcluster.region.useast.orders.payment;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The payment gateway. Charges and refunds carry an idempotency key derived from the order id
 * ({@link PaymentCharge#forOrder}, {@link PaymentRefund#of}): a retried attempt, or a second run of
 * the same order, gets the first answer and moves no money twice. A decline is the non-retryable
 * failure type {@link #PAYMENT_DECLINED}; a key reused for a different charge is {@link
 * #IDEMPOTENCY_KEY_REUSED}, as real gateways answer it.
 */
@ActivityInterface
public interface PaymentActivities {

  String PAYMENT_DECLINED = "PaymentDeclined";
  String IDEMPOTENCY_KEY_REUSED = "IdempotencyKeyReused";

  @ActivityMethod(name = "ChargePayment")
  PaymentReceipt charge(PaymentCharge charge);

  @ActivityMethod(name = "RefundPayment")
  void refund(PaymentRefund refund);
}
