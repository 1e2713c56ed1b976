package io.xcluster.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.region.useast.orders.api.OrdersHttpApi;
import io.xcluster.transport.bridge.BridgeTransport;
import java.io.OutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/**
 * The order API part really places and reads orders through the API, and counts every request once.
 */
class OrderApiLoadTest {

  private static final int ORDERS = 10;

  @Test
  void tenConcurrentPlacementsAndReadsAreEachCountedOnceWithEveryOrderInFlight() throws Exception {
    StackResult.OrderApiResult result =
        new OrderApiLoad(
                StackOptions.forTransport(BridgeTransport.NAME),
                ORDERS,
                new PrintStream(OutputStream.nullOutputStream()))
            .run();

    assertEquals(ORDERS, result.orders());
    // ten requests are well within 16 threads + 200 queued: each is accepted or, on a cold machine,
    // shed with Retry-After
    assertEquals(0, result.otherPlacementAnswers(), "placements neither accepted nor shed");
    assertEquals(ORDERS, result.accepted() + result.shedWithRetryAfter());
    assertEquals(
        result.shedWithRetryAfter(),
        result.toppedUp(),
        "every shed placement is placed again before the reads");
    assertEquals(ORDERS, result.inFlightDuringReads());
    assertEquals(0, result.otherReadAnswers(), "reads neither answered nor 503");
    assertEquals(ORDERS, result.readsAnswered() + result.readsUnavailable());
    assertTrue(result.readsAnswered() > 0, "no read of an order in flight was answered");
    assertEquals(ORDERS, result.placementLatency().count());
    assertEquals(ORDERS, result.readLatency().count());
    assertEquals(
        result.readsUnavailable() == 0,
        result.unsuccessfulReads().isEmpty(),
        result.unsuccessfulReads());
    assertTrue(
        result.readLatency().millis(100) >= result.readLatency().millis(50)
            && result.readLatency().millis(50) > 0);
    assertTrue(result.acceptedPerSecond() > 0 && result.readsPerSecond() > 0);
    assertTrue(
        result
            .bounds()
            .contains(
                OrdersHttpApi.POOL.threads()
                    + " threads + "
                    + OrdersHttpApi.POOL.queued()
                    + " queued"),
        result.bounds());

    String table = BenchReport.orderApi(result);
    assertTrue(
        table.contains(
            "| `POST /orders` | " + ORDERS + " | " + result.accepted() + " accepted (202) |"),
        table);
    assertTrue(
        table.contains("| `GET /orders/{id}`, " + ORDERS + " orders in flight | " + ORDERS + " | "),
        table);
  }
}
