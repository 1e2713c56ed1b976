package io.xcluster.region.useast.orders.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;

/** The simulated gateway honours idempotency keys the way real gateways do. */
class SimulatedPaymentGatewayTest {

  private final SimulatedPaymentGateway gateway = new SimulatedPaymentGateway();

  @Test
  void aRepeatedChargeGetsTheFirstReceiptAndChargesOnce() {
    PaymentReceipt first = gateway.charge(PaymentCharge.forOrder("o-1", "c-1", 4_200, "USD"));

    PaymentReceipt again = gateway.charge(PaymentCharge.forOrder("o-1", "c-1", 4_200, "USD"));

    assertSame(first, again);
    assertEquals(1, gateway.chargesFor("o-1"));
  }

  @Test
  void theSameKeyForAnotherChargeIsRefusedAndChargesNothingMore() {
    gateway.charge(PaymentCharge.forOrder("o-2", "c-1", 4_200, "USD"));

    ApplicationFailure refused =
        assertThrows(
            ApplicationFailure.class,
            () -> gateway.charge(PaymentCharge.forOrder("o-2", "c-1", 9_900, "USD")));

    assertEquals(PaymentActivities.IDEMPOTENCY_KEY_REUSED, refused.getType());
    assertEquals(1, gateway.chargesFor("o-2"));
  }

  @Test
  void aRepeatedRefundRefundsOnce() {
    PaymentReceipt receipt = gateway.charge(PaymentCharge.forOrder("o-3", "c-1", 4_200, "USD"));

    gateway.refund(PaymentRefund.of(receipt, "fulfillment FAILED"));
    gateway.refund(PaymentRefund.of(receipt, "order canceled"));

    assertEquals(1, gateway.refundsMade());
    assertEquals("fulfillment FAILED", gateway.refundReason("o-3"));
  }

  @Test
  void aChargeWhosePaymentWasRefundedIsRefusedNotAnsweredWithTheRefundedReceipt() {
    // run 1 of the order was charged, then canceled and refunded; run 2 starts under the same id
    PaymentReceipt receipt = gateway.charge(PaymentCharge.forOrder("o-4", "c-1", 4_200, "USD"));
    gateway.refund(PaymentRefund.of(receipt, "order canceled"));

    ApplicationFailure refused =
        assertThrows(
            ApplicationFailure.class,
            () -> gateway.charge(PaymentCharge.forOrder("o-4", "c-1", 4_200, "USD")));

    assertEquals(PaymentActivities.PAYMENT_REFUNDED, refused.getType());
    assertTrue(refused.isNonRetryable());
    assertTrue(refused.getOriginalMessage().contains("order canceled"), refused.getMessage());
    assertEquals(1, gateway.chargesFor("o-4"));
  }
}
