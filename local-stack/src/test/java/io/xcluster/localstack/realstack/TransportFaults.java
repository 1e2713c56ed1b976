package io.xcluster.localstack.realstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.localstack.reliability.FaultRecord;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.remote.RemoteRuns;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The faults every transport must survive on the real stack, each with at least {@value
 * FaultDrill#MIN_IN_FLIGHT} orders in flight: pass means every order completed and every
 * fulfillment ran exactly once on eu-west. Each transport's test class adds the faults only it can
 * meet.
 */
@Timeout(value = 25, unit = TimeUnit.MINUTES)
abstract class TransportFaults {

  /** bridge or nats. */
  abstract String transport();

  /** What the transport's process is called in the record. */
  abstract String processName();

  @Test
  void transportProcessKilledWithSigkillMidFlightLosesAndDuplicatesNothing() {
    try (FaultDrill drill = FaultDrill.start("transport-killed", transport())) {
      drill.placeOrders();
      drill.awaitFaultMoment();
      drill.transportProcess().kill();
      FaultDrill.pause(Duration.ofSeconds(5));
      drill.transportProcess().startAgain();
      assertPassed(
          drill.finish(
              "SIGKILL to the "
                  + processName()
                  + " with a fifth of the fulfillments started; restarted 5 s later",
              0));
    }
  }

  @Test
  void euWestServerDownFor30SecondsMidFlightLosesAndDuplicatesNothing() {
    try (FaultDrill drill = FaultDrill.start("eu-west-down-30s", transport())) {
      drill.placeOrders();
      drill.awaitFaultMoment();
      drill.stack().clusters().euWestServer().stop();
      FaultDrill.pause(Duration.ofSeconds(30));
      drill.stack().clusters().euWestServer().startAgain();
      assertPassed(
          drill.finish(
              "eu-west Temporal server stopped for 30 s, restarted on the same database file", 0));
    }
  }

  /**
   * How long the long-step rows' outages last; their steps take as long, so the outage cuts steps
   * off.
   */
  static final Duration LONG_OUTAGE = Duration.ofSeconds(30);

  @Test
  void euWestServerDownFor30SecondsWhileStepsRunLongerDelaysOrdersByLessThanAMinute() {
    try (FaultDrill drill =
        FaultDrill.start("eu-west-down-30s-long-steps", transport(), FaultDrill.Shape.LONG_STEPS)) {
      drill.placeOrders();
      drill.awaitFaultMoment();
      drill.stack().clusters().euWestServer().stop();
      FaultDrill.pause(LONG_OUTAGE);
      drill.stack().clusters().euWestServer().startAgain();
      drill.recovered();
      assertPassed(
          drill.finish(
              "eu-west Temporal server stopped for 30 s while warehouse steps ran, restarted on its database ("
                  + drill.describeShape()
                  + ")",
              0));
    }
  }

  @Test
  void usEastServerDownFor30SecondsWhileStepsRunLongerDelaysOrdersByLessThanAMinute() {
    try (FaultDrill drill =
        FaultDrill.start("us-east-down-30s-long-steps", transport(), FaultDrill.Shape.LONG_STEPS)) {
      drill.placeOrders();
      drill.awaitFaultMoment();
      drill.stack().clusters().usEastServer().stop();
      FaultDrill.pause(LONG_OUTAGE);
      drill.stack().clusters().usEastServer().startAgain();
      drill.recovered();
      assertPassed(
          drill.finish(
              "us-east Temporal server stopped for 30 s while eu-west's warehouse steps ran, restarted on its database ("
                  + drill.describeShape()
                  + ")",
              0));
    }
  }

  @Test
  void theSameOrderStartedTwiceThroughTemporalIsChargedOnce() {
    try (FaultDrill drill =
        FaultDrill.start("order-started-twice", transport(), FaultDrill.Shape.FEW_ORDERS)) {
      drill.placeOrders();
      drill.awaitFaultMoment();
      int again = drill.startEveryOrderAgainThroughTemporal();
      assertPassed(
          drill.finish(
              "every order started a second time through Temporal under its id: half while running (conflict policy"
                  + " TERMINATE_EXISTING), half after completing (reuse policy ALLOW_DUPLICATE); charges counted by the gateway ("
                  + drill.describeShape()
                  + ")",
              again));
    }
  }

  @Test
  void theSameStartSentTwiceRunsTheFulfillmentOnce() {
    try (FaultDrill drill = FaultDrill.start("duplicate-start", transport())) {
      drill.placeOrders();
      drill.awaitFaultMoment();
      int injected = sendEveryStartAgain(drill);
      assertPassed(
          drill.finish(
              "each order's remote start sent a second time, as a retry would, while the orders run",
              injected));
    }
  }

  /**
   * Sends each order's remote start again, with the same call id, as a retried transport would —
   * while the orders run, each as soon as its call shows in its history (before or after the
   * transport's own start reaches eu-west). Returns how many were sent.
   */
  static int sendEveryStartAgain(FaultDrill drill) {
    RemoteRuns remote = new RemoteRuns(drill.stack().euWest().client());
    Set<String> sentForOrders = new HashSet<>();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (sentForOrders.size() < FaultDrill.ORDERS && System.nanoTime() < deadline) {
      for (CallRequest request : drill.callRequests(sentForOrders)) {
        remote.startOrAttach(request);
        // counted only once sent; the call id names its order
        drill.orderIds().stream()
            .filter(id -> request.callId().value().contains(id))
            .findFirst()
            .ifPresent(sentForOrders::add);
      }
      FaultDrill.pause(Duration.ofMillis(250));
    }
    assertEquals(FaultDrill.ORDERS, sentForOrders.size(), "every order's start sent again");
    return sentForOrders.size();
  }

  static void assertPassed(FaultRecord record) {
    assertEquals(record.ordersPlaced(), record.ordersCompleted(), "orders completed: " + record);
    assertEquals(0, record.lost(), "lost: " + record);
    assertEquals(0, record.duplicated(), "fulfillments that ran twice: " + record);
    assertEquals(
        record.ordersPlaced(), record.fulfillmentsExecuted(), "fulfillments run: " + record);
    assertEquals(
        record.fulfillmentsExecuted(), record.fulfillmentRuns(), "runs per fulfillment: " + record);
    assertEquals(0, record.ordersChargedTwice(), "orders charged twice: " + record);
    if (record.secondsFromRecoveryToLastOrder() != null) {
      assertTrue(
          record.secondsFromRecoveryToLastOrder() <= FaultRecord.RECOVERY_GOAL_SECONDS,
          "the last order was done "
              + record.secondsFromRecoveryToLastOrder()
              + " s after the recovery: "
              + record);
    }
  }
}
