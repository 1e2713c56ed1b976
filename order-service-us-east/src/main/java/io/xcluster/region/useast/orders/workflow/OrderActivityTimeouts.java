package io.xcluster.region.useast.orders.workflow;

import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.xcluster.port.activity.ActivityTimeoutTable;
import io.xcluster.port.activity.ActivityTimeouts;
import java.time.Duration;

/**
 * Every activity {@code OrderWorkflow} schedules, with its timeouts and why
 * (docs/activity-timeouts.md).
 */
public final class OrderActivityTimeouts {

  /**
   * Silence after which a payment attempt counts as lost (result lost in an outage, worker gone)
   * and is retried.
   */
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The gateway and the mailer fail transiently: retried without limit, at most every 30 s. A
   * decline is thrown non-retryable; a retry is safe because every request carries its idempotency
   * key.
   */
  static final RetryOptions UNTIL_THE_SYSTEM_ANSWERS =
      ActivityTimeouts.untilTheSystemAnswers(Duration.ofSeconds(30));

  private static ActivityOptions.Builder paymentOptions() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
        .setRetryOptions(UNTIL_THE_SYSTEM_ANSWERS)
        // a charge in progress when the order is canceled finishes, so its receipt can be refunded
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED);
  }

  private static ActivityOptions notificationOptions() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(15))
        .setRetryOptions(UNTIL_THE_SYSTEM_ANSWERS)
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .build();
  }

  public static final ActivityTimeoutTable TABLE =
      new ActivityTimeoutTable(
          new ActivityTimeouts(
              "ChargePayment",
              Duration.ofSeconds(30),
              paymentOptions().build(),
              "a gateway charge takes seconds, up to half a minute with 3-D Secure or a slow acquirer; the attempt heartbeats while"
                  + " the gateway works, so one lost in an outage is retried 10 s after it fell silent and gets the first"
                  + " receipt by its idempotency key; 2 min bounds a charge that heartbeats but never ends"),
          new ActivityTimeouts(
              "RefundPayment",
              Duration.ofSeconds(30),
              paymentOptions().build(),
              "as a charge: seconds at the gateway, heartbeats meanwhile, keyed by order so a retry never refunds twice"),
          new ActivityTimeouts(
              "SendShippingConfirmation",
              Duration.ofSeconds(5),
              notificationOptions(),
              "one call to the mail provider, a few seconds at most: no heartbeat needed, a lost attempt is retried after"
                  + " its 15 s start-to-close; keyed by order, so the customer gets one e-mail"),
          new ActivityTimeouts(
              "EscalateOrder",
              Duration.ofSeconds(5),
              notificationOptions(),
              "one call to the pager, a few seconds at most: a lost attempt is retried after its 15 s start-to-close"));

  private OrderActivityTimeouts() {}
}
