package io.xcluster.localstack.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.xcluster.region.useast.orders.workflow.OrderState;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class OrderDemoTest {

  @Test
  void anOrderWithoutAResultKeepsItsIdAndItsExpectedState() {
    OrderDemo.Placed line =
        new OrderDemo.Awaited("order-abc-005", OrderState.FAILED, new CompletableFuture<>())
            .noResult(Duration.ofMinutes(5), new TimeoutException());

    assertEquals("order-abc-005", line.orderId());
    assertEquals(OrderState.FAILED, line.expected());
    assertFalse(line.asExpected());
  }
}
