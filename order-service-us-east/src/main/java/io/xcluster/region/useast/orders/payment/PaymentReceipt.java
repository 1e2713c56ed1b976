package io.xcluster.region.useast.orders.payment;

/** Proof of a charge, needed to refund it. */
public record PaymentReceipt(String orderId, String paymentId, long amountCents, String currency) {}
