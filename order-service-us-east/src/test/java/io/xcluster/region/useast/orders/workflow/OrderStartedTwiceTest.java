package io.xcluster.region.useast.orders.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CrossClusterCallActivity;
import io.xcluster.region.useast.orders.notification.SimulatedNotifier;
import io.xcluster.region.useast.orders.payment.SimulatedPaymentGateway;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code OrderWorkflow} started twice under one order id through Temporal itself, bypassing the
 * order API — with a conflict policy that replaces the running run, and with a reuse policy that
 * allows a second run after the first completed: the customer is charged once either way.
 */
@Timeout(60)
class OrderStartedTwiceTest {

  private static final String TRANSPORT_QUEUE = "shipping-transport";

  /** Long enough that the second start arrives while the first run's charge is still processing. */
  private static final Duration GATEWAY_PROCESSING = Duration.ofSeconds(2);

  private final SimulatedPaymentGateway payments = new SimulatedPaymentGateway(GATEWAY_PROCESSING);
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  /**
   * Every call ships at once, as eu-west would for a stocked order (both runs attach to one
   * fulfillment).
   */
  private static final class ShipsEverything implements CrossClusterCallActivity {
    @Override
    public CallOutcome call(CallRequest request) {
      String orderId = request.callId().sourceWorkflowId();
      return CallOutcome.completed(
          CallPayloads.encode(
              Map.of(
                  "orderId",
                  orderId,
                  "parcelId",
                  "P-" + orderId,
                  "carrier",
                  "SIM",
                  "trackingNumber",
                  "TRK-" + orderId)));
    }

    @Override
    public void cancel(CallRequest request) {}
  }

  @BeforeEach
  void start() {
    // real time: the gateway's processing time and the heartbeats are real
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    OrderWorkflowSettings settings =
        new OrderWorkflowSettings(
            "us-east",
            OrderWorkflowSettings.euWestFulfillment("eu-west", "default", Duration.ofDays(7)),
            new CallRoute("scripted", TRANSPORT_QUEUE, Duration.ofSeconds(30), true),
            OrderWorkflowSettings.DEFAULT_FULFILLMENT_TIMEOUT);
    Worker orders = env.newWorker(OrderWorkflow.TASK_QUEUE);
    orders.registerWorkflowImplementationFactory(
        OrderWorkflow.class, () -> new OrderWorkflowImpl(settings));
    orders.registerActivitiesImplementations(payments, new SimulatedNotifier());
    env.newWorker(TRANSPORT_QUEUE).registerActivitiesImplementations(new ShipsEverything());
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void close() {
    env.close();
  }

  @Test
  void orderStartedAgainWhileItsFirstRunIsChargingIsChargedOnce() throws Exception {
    Order order = order("twice-concurrently");
    OrderWorkflow first = stub(order.orderId(), WorkflowOptions.newBuilder());
    WorkflowClient.start(first::placeOrder, order);
    awaitState(first, OrderState.CHARGING_PAYMENT);

    // a second start that replaces the running run, as a client with another conflict policy would
    OrderWorkflow second =
        stub(
            order.orderId(),
            WorkflowOptions.newBuilder()
                .setWorkflowIdConflictPolicy(
                    WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING));
    OrderStatus status = second.placeOrder(order);

    assertEquals(OrderState.COMPLETED, status.state());
    assertEquals(1, payments.chargesFor(order.orderId()), "charges for one order started twice");
  }

  @Test
  void orderStartedAgainAfterItCompletedIsChargedOnce() {
    Order order = order("twice-after-completion");
    assertEquals(
        OrderState.COMPLETED,
        stub(order.orderId(), WorkflowOptions.newBuilder()).placeOrder(order).state());

    // a second run after the first closed, as Temporal's default reuse policy allows
    OrderStatus again =
        stub(
                order.orderId(),
                WorkflowOptions.newBuilder()
                    .setWorkflowIdReusePolicy(
                        WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE))
            .placeOrder(order);

    assertEquals(OrderState.COMPLETED, again.state());
    assertEquals(1, payments.chargesFor(order.orderId()), "charges for one order started twice");
  }

  private OrderWorkflow stub(String orderId, WorkflowOptions.Builder options) {
    return client.newWorkflowStub(
        OrderWorkflow.class,
        options.setTaskQueue(OrderWorkflow.TASK_QUEUE).setWorkflowId(orderId).build());
  }

  private static Order order(String orderId) {
    return new Order(
        orderId, "customer-1", List.of(new OrderLine("SKU-001", 1)), 4_200, "USD", "DE");
  }

  private static void awaitState(OrderWorkflow workflow, OrderState state)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (workflow.status() == null || workflow.status().state() != state) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the order never reached " + state);
      }
      Thread.sleep(50);
    }
  }
}
