package io.xcluster.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.xcluster.localstack.demo.OrderDemo;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.useast.orders.workflow.Order;
import io.xcluster.region.useast.orders.workflow.OrderLine;
import io.xcluster.region.useast.orders.workflow.OrderState;
import io.xcluster.region.useast.orders.workflow.OrderStatus;
import io.xcluster.region.useast.orders.workflow.OrderWorkflow;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The whole system on two embedded clusters with the bridge, driven as a user would. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class OrdersAcrossClustersTest {

  private LocalStack stack;

  @BeforeAll
  void startStack() {
    stack =
        LocalStack.start(
            new StackOptions(
                0,
                0,
                "bridge",
                Duration.ofHours(48),
                new SimulationSettings(Duration.ZERO, 0.2, 3L)),
            step -> {});
  }

  @AfterAll
  void stopStack() {
    stack.close();
  }

  private OrderWorkflow order(String orderId) {
    return stack
        .usEast()
        .client()
        .newWorkflowStub(
            OrderWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(orderId)
                .setTaskQueue(OrderWorkflow.TASK_QUEUE)
                .build());
  }

  @Test
  void orderIsPaidInUsEastShippedInEuWestAndConfirmed() {
    OrderStatus result =
        order("e2e-1")
            .placeOrder(
                new Order(
                    "e2e-1", "c-1", List.of(new OrderLine("SKU-042", 3)), 9_900, "USD", "FR"));

    assertEquals(OrderState.COMPLETED, result.state());
    assertEquals("bridge", result.transport());
    assertEquals("TRK-FR-e2e-1", result.trackingNumber());
    assertEquals("TRK-FR-e2e-1", stack.notifications().confirmationFor("e2e-1"));
  }

  @Test
  void unknownSkuIsRejectedByEuWestAndThePaymentIsRefunded() {
    OrderStatus result =
        order("e2e-2")
            .placeOrder(
                new Order("e2e-2", "c-2", List.of(new OrderLine("NOPE-9", 1)), 1_000, "USD", "DE"));

    assertEquals(OrderState.FAILED, result.state());
    assertTrue(
        result.failureReason().contains("UnknownSku: unknown SKU 'NOPE-9'"),
        result.failureReason());
    assertNotNull(stack.payments().refundReason("e2e-2"));
  }

  @Test
  void orderWithoutItemsIsRejectedWithTheFieldNamed() {
    Order empty = new Order("e2e-3", "c-3", List.of(), 1_000, "USD", "DE");

    WorkflowFailedException failed =
        assertThrows(WorkflowFailedException.class, () -> order("e2e-3").placeOrder(empty));

    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failed.getCause());
    assertEquals("InvalidOrder", cause.getType());
    assertTrue(
        cause.getOriginalMessage().contains("lines must hold at least one line"),
        cause.getOriginalMessage());
  }

  @Test
  void demoReportsEveryOrderAndItsExpectedOutcome() {
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(report, true, StandardCharsets.UTF_8);

    List<OrderDemo.Placed> placed =
        new OrderDemo(stack.orderPlacement(), out, new PrintStream(new ByteArrayOutputStream()))
            .run("t", 10, true, Duration.ofMinutes(1));

    assertTrue(OrderDemo.allAsExpected(placed));
    assertEquals(
        2,
        placed.stream().filter(p -> p.status().state() == OrderState.FAILED).count(),
        "orders 5 and 10 ask for unknown SKUs");
    String text = report.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("10 orders: {COMPLETED=8, FAILED=2}"), text);
    assertTrue(text.contains("all as expected"), text);
  }
}
