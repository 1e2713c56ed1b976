package io.xcluster.region.useast.orders.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.OutcomeProtocol;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The order rules the API applies at the door are the workflow's too, for orders started from now
 * on; an order started before them replays with the rules it was accepted under.
 */
class OrderRulesAtTheDoorTest {

  private TestWorkflowEnvironment env;
  private Worker worker;

  @BeforeEach
  void orderWorker() {
    env = TestWorkflowEnvironment.newInstance();
    OrderWorkflowSettings settings =
        new OrderWorkflowSettings(
            "us-east",
            OrderWorkflowSettings.euWestFulfillment("eu-west", "default", Duration.ofDays(1)),
            new CallRoute(
                "bridge",
                "bridge-to-eu-west",
                Duration.ofSeconds(30),
                OutcomeProtocol.SIGNALED_AFTER_HANDOVER),
            Duration.ofHours(48));
    worker = env.newWorker(OrderWorkflow.TASK_QUEUE);
    worker.registerWorkflowImplementationFactory(
        OrderWorkflow.class, () -> new OrderWorkflowImpl(settings));
    env.start();
  }

  @AfterEach
  void close() {
    env.close();
  }

  /**
   * Derived from order-completed-outcome-by-activity-v1.json with the destination changed to {@code
   * "de"}: the old rules accepted it, today's refuse it, and the order completed.
   */
  @Test
  void anOrderAcceptedBeforeTheDoorRulesReplaysWithTheRulesItWasAcceptedUnder() throws Exception {
    String resource = "histories/order-accepted-before-door-rules.json";
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
      assertNotNull(in, resource);
      WorkflowExecutionHistory history =
          WorkflowExecutionHistory.fromJson(
              new String(in.readAllBytes(), StandardCharsets.UTF_8), "order-1");

      WorkflowReplayer.replayWorkflowExecution(history, worker);
    }
  }

  @Test
  void aNewOrderIsHeldToTheRulesOfTheDoor() {
    Order lowerCaseDestination =
        new Order(
            "order-9", "customer-1", List.of(new OrderLine("SKU-001", 1)), 4_200, "USD", "de");
    OrderWorkflow order =
        env.getWorkflowClient()
            .newWorkflowStub(
                OrderWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("order-9")
                    .setTaskQueue(OrderWorkflow.TASK_QUEUE)
                    .build());

    WorkflowFailedException failed =
        assertThrows(WorkflowFailedException.class, () -> order.placeOrder(lowerCaseDestination));

    ApplicationFailure cause = (ApplicationFailure) failed.getCause();
    assertEquals(OrderWorkflow.INVALID_ORDER, cause.getType());
    assertTrue(
        cause
            .getOriginalMessage()
            .contains("destinationCountry must be an ISO 3166 country code such as DE, was de"),
        cause.getOriginalMessage());
  }
}
