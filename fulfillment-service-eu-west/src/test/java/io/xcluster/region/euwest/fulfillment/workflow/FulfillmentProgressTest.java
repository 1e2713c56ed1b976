package io.xcluster.region.euwest.fulfillment.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.xcluster.port.call.CallProgress;
import io.xcluster.port.spi.CrossClusterProgressActivity;
import io.xcluster.region.euwest.fulfillment.shipping.SimulatedCarrier;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulatedWarehouse;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A fulfillment reports its stages to whatever queue the transport that started it named, and to
 * nothing when none did; runs begun before it reported anything still replay.
 */
class FulfillmentProgressTest {

  private static final String PROGRESS_QUEUE = "some-transport-progress";

  private final List<CallProgress> reports = new CopyOnWriteArrayList<>();
  private TestWorkflowEnvironment env;

  @BeforeEach
  void startWorkersAndAStandInTransport() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(FulfillmentWorkflow.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(FulfillmentWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new SimulatedWarehouse(SimulationSettings.INSTANT),
        new SimulatedCarrier(SimulationSettings.INSTANT));
    env.newWorker(PROGRESS_QUEUE)
        .registerActivitiesImplementations((CrossClusterProgressActivity) reports::add);
    env.start();
  }

  @AfterEach
  void close() {
    env.close();
  }

  @Test
  void eachStageIsReportedInOrderToTheQueueTheTransportNamed() throws Exception {
    Shipment shipment =
        fulfill("order-1", Map.of(CrossClusterProgressActivity.QUEUE_MEMO, PROGRESS_QUEUE));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (reports.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    List<CallProgress> bySequence =
        reports.stream()
            .sorted(java.util.Comparator.comparingLong(CallProgress::sequence))
            .toList();
    assertTrue(bySequence.size() >= 2, "reports: " + bySequence);
    assertEquals("us-east:order-1:fulfillment", bySequence.get(0).call());
    assertEquals(1, bySequence.get(0).sequence());
    assertEquals(
        FulfillmentStage.PICKING_AND_PACKING,
        bySequence.get(0).progressAs(FulfillmentProgress.class).stage());
    assertEquals(
        FulfillmentStage.SHIPPING, bySequence.get(1).progressAs(FulfillmentProgress.class).stage());
    if (bySequence.size() == 3) { // the last may be cut off by the run's end: the outcome says it
      FulfillmentProgress shipped = bySequence.get(2).progressAs(FulfillmentProgress.class);
      assertEquals(FulfillmentStage.SHIPPED, shipped.stage());
      assertEquals(shipment.trackingNumber(), shipped.trackingNumber());
    }
  }

  @Test
  void aRunNoTransportListensToReportsNothing() throws Exception {
    fulfill("order-2", Map.of());

    Thread.sleep(300);
    assertEquals(List.of(), reports);
    assertTrue(
        env.getWorkflowClient().fetchHistory("us-east:order-2:fulfillment").getEvents().stream()
            .noneMatch(
                e ->
                    e.hasActivityTaskScheduledEventAttributes()
                        && e.getActivityTaskScheduledEventAttributes()
                            .getTaskQueue()
                            .getName()
                            .equals(PROGRESS_QUEUE)),
        "no report scheduled");
  }

  @Test
  void aRunStartedWithAProgressQueueBeforeFulfillmentsReportedReplays() throws Exception {
    // recorded with the release before progress reports, started as a newer transport starts it
    WorkflowReplayer.replayWorkflowExecution(
        history(
            "histories/fulfillment-shipped-started-with-progress-queue.json",
            "us-east:order-7:fulfillment"),
        FulfillmentWorkflowImpl.class);
  }

  private Shipment fulfill(String orderId, Map<String, Object> memo) throws Exception {
    FulfillmentWorkflow fulfillment =
        env.getWorkflowClient()
            .newWorkflowStub(
                FulfillmentWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(FulfillmentWorkflow.TASK_QUEUE)
                    .setWorkflowId("us-east:" + orderId + ":fulfillment")
                    .setMemo(memo)
                    .build());
    WorkflowClient.start(
        fulfillment::fulfill,
        new FulfillmentRequest(orderId, List.of(new OrderLine("SKU-001", 1)), "DE"));
    return WorkflowStub.fromTyped(fulfillment).getResult(30, TimeUnit.SECONDS, Shipment.class);
  }

  /** The recorded history, under its workflow id: reports go only from runs that are calls. */
  private static WorkflowExecutionHistory history(String resource, String workflowId)
      throws Exception {
    try (InputStream in =
        FulfillmentProgressTest.class.getClassLoader().getResourceAsStream(resource)) {
      return WorkflowExecutionHistory.fromJson(
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
