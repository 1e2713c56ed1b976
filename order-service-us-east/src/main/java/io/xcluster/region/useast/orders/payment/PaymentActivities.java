package io.xcluster.region.useast.orders.payment;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The payment gateway. {@code charge} is keyed by order id, so a retried charge never charges
 * twice; a decline is the non-retryable failure type {@link #PAYMENT_DECLINED}.
 */
@ActivityInterface
public interface PaymentActivities {

  String PAYMENT_DECLINED = "PaymentDeclined";

  @ActivityMethod(name = "ChargePayment")
  PaymentReceipt charge(String orderId, String customerId, long amountCents, String currency);

  @ActivityMethod(name = "RefundPayment")
  void refund(PaymentReceipt receipt, String reason);
}
