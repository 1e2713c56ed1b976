package io.xcluster.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.ReplayResults;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.useast.orders.workflow.Order;
import io.xcluster.region.useast.orders.workflow.OrderLine;
import io.xcluster.region.useast.orders.workflow.OrderState;
import io.xcluster.region.useast.orders.workflow.OrderStatus;
import io.xcluster.region.useast.orders.workflow.OrderWorkflow;
import io.xcluster.region.useast.orders.workflow.OrderWorkflowImpl;
import io.xcluster.testkit.nats.LocalNatsServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Flipping XCLUSTER_TRANSPORT from bridge to nats and restarting the order worker: orders in flight
 * finish on the bridge, new ones go through NATS, and the histories of both replay.
 */
@Timeout(180)
class TransportFlipTest {

  @Test
  void ordersInFlightFinishOnTheirTransportAfterTheFlagFlips() throws Exception {
    assumeTrue(
        LocalNatsServer.availableForTests(),
        "nats-server not found: the flip test needs it (apt-get install nats-server)");

    StackOptions options =
        new StackOptions(
                0,
                0,
                "bridge",
                Duration.ofHours(48),
                new SimulationSettings(Duration.ofSeconds(1), 0.0, 1L))
            .withAllTransports();
    try (LocalStack stack = LocalStack.start(options, step -> {})) {
      WorkflowClient client = stack.usEast().client();
      List<CompletableFuture<OrderStatus>> onBridge = place(client, "flip-bridge-", 5);
      for (int i = 0; i < 5; i++) {
        OrderWorkflow placed = client.newWorkflowStub(OrderWorkflow.class, "flip-bridge-" + i);
        awaitTransportChosen(placed);
      }
      stack.switchTransport("nats");
      assertFalse(
          onBridge.stream().anyMatch(CompletableFuture::isDone),
          "the first batch is still in flight at the flip");
      List<CompletableFuture<OrderStatus>> onNats = place(client, "flip-nats-", 5);

      for (int i = 0; i < 5; i++) {
        OrderStatus status = finished(client, onBridge.get(i), "flip-bridge-" + i);
        assertEquals(OrderState.COMPLETED, status.state());
        assertEquals("bridge", status.transport(), status.orderId());
      }
      for (int i = 0; i < 5; i++) {
        OrderStatus status = finished(client, onNats.get(i), "flip-nats-" + i);
        assertEquals(OrderState.COMPLETED, status.state());
        assertEquals("nats", status.transport(), status.orderId());
      }

      List<WorkflowExecutionHistory> histories = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        histories.add(client.fetchHistory("flip-bridge-" + i));
        histories.add(client.fetchHistory("flip-nats-" + i));
      }
      assertReplays(histories, stack);
    }
  }

  /** The order's result, or a failure that says where the order is stuck. */
  private static OrderStatus finished(
      WorkflowClient client, CompletableFuture<OrderStatus> order, String orderId)
      throws Exception {
    try {
      return order.get(90, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException stuck) {
      var description = client.newUntypedWorkflowStub(orderId).describe().getRawDescription();
      throw new AssertionError(
          orderId
              + " did not finish; status "
              + client.newWorkflowStub(OrderWorkflow.class, orderId).status()
              + ", pending activities "
              + description.getPendingActivitiesList(),
          stuck);
    }
  }

  private static void awaitTransportChosen(OrderWorkflow order) throws InterruptedException {
    for (int attempt = 0; attempt < 200; attempt++) {
      OrderStatus status = order.status();
      if (status != null && status.transport() != null) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the order never recorded its transport");
  }

  private static List<CompletableFuture<OrderStatus>> place(
      WorkflowClient client, String prefix, int count) {
    List<CompletableFuture<OrderStatus>> placed = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      WorkflowStub stub =
          client.newUntypedWorkflowStub(
              OrderWorkflow.TYPE,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(prefix + i)
                  .setTaskQueue(OrderWorkflow.TASK_QUEUE)
                  .build());
      stub.start(
          new Order(
              prefix + i, "c-" + i, List.of(new OrderLine("SKU-00" + i, 1)), 1_000, "USD", "DE"));
      placed.add(stub.getResultAsync(OrderStatus.class));
    }
    return placed;
  }

  /**
   * Replays with a worker configured for the transport flipped to: recorded executions keep theirs.
   */
  private static void assertReplays(List<WorkflowExecutionHistory> histories, LocalStack stack)
      throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker = env.newWorker(OrderWorkflow.TASK_QUEUE);
      worker.registerWorkflowImplementationFactory(
          OrderWorkflow.class, () -> new OrderWorkflowImpl(stack.orderSettings()));
      ReplayResults results = WorkflowReplayer.replayWorkflowExecutions(histories, false, worker);
      assertFalse(results.hadAnyError(), () -> "replay failed: " + results.allErrors());
    }
  }
}
