package io.xcluster.region.euwest.fulfillment.workflow;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.xcluster.port.activity.ActivityTimeoutTable;
import io.xcluster.port.activity.ActivityTimeouts;
import java.time.Duration;

/**
 * Every activity {@code FulfillmentWorkflow} schedules, with its timeouts and why
 * (docs/activity-timeouts.md).
 */
public final class FulfillmentActivityTimeouts {

  /**
   * Silence after which an attempt counts as lost (result lost in an outage, worker gone) and is
   * retried.
   */
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The warehouse and carrier systems fail transiently (WarehouseUnavailable, CarrierUnavailable):
   * retried without limit, soon at first and at most every 10 s, so a system that is back is used
   * within 10 s. Business failures (UnknownSku, EmptyFulfillment) are thrown non-retryable.
   */
  static final RetryOptions UNTIL_THE_SYSTEM_ANSWERS =
      ActivityTimeouts.untilTheSystemAnswers(Duration.ofSeconds(10));

  public static final ActivityTimeoutTable TABLE =
      new ActivityTimeoutTable(
          new ActivityTimeouts(
              "PickAndPack",
              Duration.ofMinutes(30),
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofHours(1))
                  .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
                  .setRetryOptions(UNTIL_THE_SYSTEM_ANSWERS)
                  .build(),
              "people pick and pack the parcel, seconds to half an hour; the attempt heartbeats while the warehouse works, so one"
                  + " lost in an outage is retried 10 s after it fell silent and joins the pick by order id; 1 h only bounds a"
                  + " pick that heartbeats but never ends"),
          new ActivityTimeouts(
              "Ship",
              Duration.ofMinutes(10),
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofMinutes(30))
                  .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
                  .setRetryOptions(UNTIL_THE_SYSTEM_ANSWERS)
                  .build(),
              "booking the carrier's pick-up, seconds to minutes when its API is slow; heartbeats while it waits, so a lost"
                  + " attempt is retried 10 s after it fell silent and joins the booking by parcel id; 30 min bounds a hung"
                  + " booking"));

  private FulfillmentActivityTimeouts() {}
}
