package io.xcluster.region.useast.orders.payment;

import io.temporal.failure.ApplicationFailure;
import io.xcluster.port.activity.HeartbeatingWait;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated payment gateway that honours idempotency keys as a real one does: the first charge
 * under a key is made (taking the processing time), a repeat gets that charge's receipt — while it
 * is still processing, too — and the same key with other details is refused. Declines customers
 * whose id starts with {@code declined-} and amounts above {@link #LIMIT_CENTS}, and refuses a
 * charge whose payment it has refunded (a later run of a canceled order). Counts what it really
 * did, so tests and fault drills can check that nothing was charged twice. Replace with the real
 * gateway client when forking, passing the idempotency key on.
 */
public final class SimulatedPaymentGateway implements PaymentActivities {

  public static final long LIMIT_CENTS = 1_000_000;
  private static final Logger log = LoggerFactory.getLogger(SimulatedPaymentGateway.class);

  /** A charge the gateway made, under its key. */
  private record Charge(PaymentCharge request, CompletableFuture<PaymentReceipt> receipt) {}

  /**
   * Finishes charges when their processing time is up; its own thread, so a busy common pool never
   * delays them.
   */
  private static final ScheduledExecutorService CLOCK =
      Executors.newSingleThreadScheduledExecutor(
          work -> {
            Thread thread = new Thread(work, "simulated-gateway");
            thread.setDaemon(true);
            return thread;
          });

  private final Map<String, Charge> chargesByKey = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> chargesByOrder = new ConcurrentHashMap<>();
  private final Map<String, String> refundsByKey = new ConcurrentHashMap<>();
  private final Map<String, String> refundReasons = new ConcurrentHashMap<>();
  private final Map<String, String> refundsByPayment = new ConcurrentHashMap<>();
  private final Executor afterProcessing;

  /** A gateway that answers at once. */
  public SimulatedPaymentGateway() {
    this(Duration.ZERO);
  }

  /** A gateway that takes {@code processingTime} per charge; the activity heartbeats meanwhile. */
  public SimulatedPaymentGateway(Duration processingTime) {
    this.afterProcessing =
        processingTime.isZero()
            ? Runnable::run
            : CompletableFuture.delayedExecutor(
                processingTime.toMillis(), TimeUnit.MILLISECONDS, CLOCK);
  }

  @Override
  public PaymentReceipt charge(PaymentCharge charge) {
    if (charge.customerId().startsWith("declined-") || charge.amountCents() > LIMIT_CENTS) {
      throw ApplicationFailure.newNonRetryableFailure(
          "payment of "
              + charge.amountCents()
              + " "
              + charge.currency()
              + " for order "
              + charge.orderId()
              + " was declined",
          PAYMENT_DECLINED);
    }
    Charge made =
        chargesByKey.computeIfAbsent(
            charge.idempotencyKey(),
            key -> {
              chargesByOrder
                  .computeIfAbsent(charge.orderId(), id -> new AtomicInteger())
                  .incrementAndGet();
              return new Charge(
                  charge,
                  CompletableFuture.supplyAsync(
                      () ->
                          new PaymentReceipt(
                              charge.orderId(),
                              "PAY-" + charge.orderId(),
                              charge.amountCents(),
                              charge.currency()),
                      afterProcessing));
            });
    if (!made.request().equals(charge)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "idempotency key "
              + charge.idempotencyKey()
              + " was already used for another charge: "
              + made.request(),
          IDEMPOTENCY_KEY_REUSED);
    }
    // a charge cannot be recalled once sent: finish it even if the order is canceled meanwhile,
    // so that the workflow knows of it and refunds it
    PaymentReceipt receipt =
        HeartbeatingWait.await(made.receipt(), HeartbeatingWait.OnCancel.FINISH);
    String refundedBecause = refundsByPayment.get(receipt.paymentId());
    if (refundedBecause != null) {
      // the same key again after a refund: a later run of an order that was canceled and refunded
      throw ApplicationFailure.newNonRetryableFailure(
          "payment "
              + receipt.paymentId()
              + " for order "
              + charge.orderId()
              + " was refunded ("
              + refundedBecause
              + "): place the order again under a new order id",
          PAYMENT_REFUNDED);
    }
    return receipt;
  }

  @Override
  public void refund(PaymentRefund refund) {
    if (refundsByKey.putIfAbsent(refund.idempotencyKey(), refund.receipt().paymentId()) == null) {
      refundReasons.put(refund.receipt().orderId(), refund.reason());
      refundsByPayment.put(refund.receipt().paymentId(), refund.reason());
      log.info(
          "refunded {} for order {}: {}",
          refund.receipt().paymentId(),
          refund.receipt().orderId(),
          refund.reason());
    }
  }

  public boolean wasCharged(String orderId) {
    return chargesFor(orderId) > 0;
  }

  /**
   * How many charges the gateway really made for {@code orderId}: more than 1 is a double charge.
   */
  public int chargesFor(String orderId) {
    AtomicInteger count = chargesByOrder.get(orderId);
    return count == null ? 0 : count.get();
  }

  /** The refund reason for {@code orderId}, or null if it was not refunded. */
  public String refundReason(String orderId) {
    return refundReasons.get(orderId);
  }

  /** How many refunds the gateway really made. */
  public int refundsMade() {
    return refundsByKey.size();
  }
}
