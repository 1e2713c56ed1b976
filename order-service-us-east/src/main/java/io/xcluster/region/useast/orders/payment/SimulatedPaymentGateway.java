package io.xcluster.region.useast.orders.payment;

import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated payment gateway: declines customers whose id starts with {@code declined-} and
 * amounts above {@link #LIMIT_CENTS}; remembers charges and refunds so tests and the demo can
 * check them. Replace with the real gateway client when forking.
 */
public final class SimulatedPaymentGateway implements PaymentActivities {

  public static final long LIMIT_CENTS = 1_000_000;
  private static final Logger log = LoggerFactory.getLogger(SimulatedPaymentGateway.class);

  private final Map<String, PaymentReceipt> charges = new ConcurrentHashMap<>();
  private final Map<String, String> refunds = new ConcurrentHashMap<>();

  @Override
  public PaymentReceipt charge(String orderId, String customerId, long amountCents, String currency) {
    if (customerId.startsWith("declined-") || amountCents > LIMIT_CENTS) {
      throw ApplicationFailure.newNonRetryableFailure(
          "payment of " + amountCents + " " + currency + " for order " + orderId + " was declined",
          PAYMENT_DECLINED);
    }
    return charges.computeIfAbsent(
        orderId, id -> new PaymentReceipt(id, "PAY-" + id, amountCents, currency));
  }

  @Override
  public void refund(PaymentReceipt receipt, String reason) {
    if (refunds.putIfAbsent(receipt.orderId(), reason) == null) {
      log.info("refunded {} for order {}: {}", receipt.paymentId(), receipt.orderId(), reason);
    }
  }

  public boolean wasCharged(String orderId) {
    return charges.containsKey(orderId);
  }

  /** The refund reason for {@code orderId}, or null if it was not refunded. */
  public String refundReason(String orderId) {
    return refunds.get(orderId);
  }
}
