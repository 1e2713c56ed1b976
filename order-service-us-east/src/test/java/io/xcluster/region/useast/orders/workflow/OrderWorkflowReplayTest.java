package io.xcluster.region.useast.orders.workflow;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.OutcomeProtocol;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Orders in flight must survive a new worker build: recorded histories replay against today's code.
 * The worker here is configured with another transport, queue and timeout on purpose — recorded
 * executions must keep the route and timeout they recorded. These histories recorded the route's
 * protocol as the boolean {@code outcomeByActivity}, before it was an {@link OutcomeProtocol}.
 */
class OrderWorkflowReplayTest {

  private TestWorkflowEnvironment env;
  private Worker worker;

  @BeforeEach
  void workerConfiguredDifferentlyFromTheRecording() {
    env = TestWorkflowEnvironment.newInstance();
    OrderWorkflowSettings flipped =
        new OrderWorkflowSettings(
            "us-east",
            OrderWorkflowSettings.euWestFulfillment("eu-west", "default", Duration.ofDays(7)),
            new CallRoute(
                "some-other-transport",
                "other-transport-to-eu-west",
                Duration.ofSeconds(5),
                OutcomeProtocol.SIGNALED_AFTER_HANDOVER),
            Duration.ofHours(1));
    worker = env.newWorker(OrderWorkflow.TASK_QUEUE);
    worker.registerWorkflowImplementationFactory(
        OrderWorkflow.class, () -> new OrderWorkflowImpl(flipped));
  }

  @AfterEach
  void close() {
    env.close();
  }

  @Test
  void completedOrderWhoseOutcomeCameFromTheActivityReplays() throws Exception {
    replay("histories/order-completed-outcome-by-activity.json", "order-1");
  }

  @Test
  void escalatedOrderWhoseOutcomeCameAsASignalReplays() throws Exception {
    replay("histories/order-escalated-outcome-by-signal.json", "order-3");
  }

  @Test
  void completedOrderWithTheRouteChosenAtPlacementReplays() throws Exception {
    replay("histories/order-completed-outcome-by-activity-v1.json", "order-1");
  }

  @Test
  void escalatedOrderWithTheRouteChosenAtPlacementReplays() throws Exception {
    replay("histories/order-escalated-outcome-by-signal-v1.json", "order-3");
  }

  @Test
  void completedOrderCheckedAtTheDoorReplays() throws Exception {
    replay("histories/order-completed-outcome-by-activity-v2.json", "order-1");
  }

  @Test
  void escalatedOrderCheckedAtTheDoorReplays() throws Exception {
    replay("histories/order-escalated-outcome-by-signal-v2.json", "order-3");
  }

  @Test
  void orderCanceledWhileFulfillingThenRefundedReplays() throws Exception {
    replay("histories/order-canceled-then-refunded-v2.json", "order-6");
  }

  @Test
  void orderWhoseAddressChangeWasForwardedReplays() throws Exception {
    replay("histories/order-address-changed-then-completed-v2.json", "order-8");
  }

  @Test
  void completedOrderWithItsCallSettingsRecordedReplaysOnARenamedCluster() throws Exception {
    replayOnARenamedClusterAndMovedTarget(
        "histories/order-completed-outcome-by-activity-v3.json", "order-1");
  }

  @Test
  void escalatedOrderWithItsCallSettingsRecordedReplaysOnARenamedCluster() throws Exception {
    // its outcome signal names the call id recorded under us-east: matched only if it was recorded
    replayOnARenamedClusterAndMovedTarget(
        "histories/order-escalated-outcome-by-signal-v3.json", "order-3");
  }

  @Test
  void canceledOrderWithItsCallSettingsRecordedReplaysOnARenamedCluster() throws Exception {
    replayOnARenamedClusterAndMovedTarget(
        "histories/order-canceled-then-refunded-v3.json", "order-6");
  }

  @Test
  void forwardedAddressChangeWithItsCallSettingsRecordedReplaysOnARenamedCluster()
      throws Exception {
    replayOnARenamedClusterAndMovedTarget(
        "histories/order-address-changed-then-completed-v3.json", "order-8");
  }

  /**
   * Histories that recorded their source cluster and fulfillment target replay on a worker
   * configured with other ones (a cluster renamed, fulfillment moved to another namespace): the
   * recorded values, not the configuration, make the call ids the outcome signals are matched by.
   */
  private void replayOnARenamedClusterAndMovedTarget(String resource, String workflowId)
      throws Exception {
    Worker renamed = env.newWorker(OrderWorkflow.TASK_QUEUE + "-renamed");
    OrderWorkflowSettings moved =
        new OrderWorkflowSettings(
            "us-central",
            OrderWorkflowSettings.euWestFulfillment(
                "eu-central", "fulfillment-v2", Duration.ofDays(3)),
            new CallRoute(
                "some-other-transport",
                "other-transport-to-eu-central",
                Duration.ofSeconds(5),
                OutcomeProtocol.SIGNALED_AFTER_HANDOVER),
            Duration.ofHours(1));
    renamed.registerWorkflowImplementationFactory(
        OrderWorkflow.class, () -> new OrderWorkflowImpl(moved));
    replay(resource, workflowId, renamed);
  }

  /**
   * Replays under the recorded workflow id: call ids, and so outcome signals, are derived from it.
   */
  private void replay(String resource, String workflowId) throws Exception {
    replay(resource, workflowId, worker);
  }

  private void replay(String resource, String workflowId, Worker on) throws Exception {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
      assertNotNull(in, resource);
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      WorkflowReplayer.replayWorkflowExecution(
          WorkflowExecutionHistory.fromJson(json, workflowId), on);
    }
  }
}
