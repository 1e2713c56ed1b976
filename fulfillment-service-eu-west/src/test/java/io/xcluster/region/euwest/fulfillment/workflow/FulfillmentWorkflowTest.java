package io.xcluster.region.euwest.fulfillment.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.xcluster.region.euwest.fulfillment.shipping.SimulatedCarrier;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulatedWarehouse;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.euwest.fulfillment.warehouse.WarehouseActivities;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FulfillmentWorkflowTest {

  private TestWorkflowEnvironment env;

  private FulfillmentWorkflow start(SimulationSettings simulation) {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(FulfillmentWorkflow.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(FulfillmentWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new SimulatedWarehouse(simulation), new SimulatedCarrier(simulation));
    env.start();
    WorkflowClient client = env.getWorkflowClient();
    return client.newWorkflowStub(
        FulfillmentWorkflow.class,
        WorkflowOptions.newBuilder()
            .setTaskQueue(FulfillmentWorkflow.TASK_QUEUE)
            .setWorkflowId("us-east:order-1:fulfillment")
            .build());
  }

  @AfterEach
  void close() {
    env.close();
  }

  @Test
  void stockedOrderIsPackedAndShippedWithATrackingNumber() {
    FulfillmentWorkflow workflow = start(SimulationSettings.INSTANT);

    Shipment shipment =
        workflow.fulfill(
            new FulfillmentRequest("order-1", List.of(new OrderLine("SKU-001", 2)), "DE"));

    assertEquals("order-1", shipment.orderId());
    assertEquals(SimulatedCarrier.CARRIER, shipment.carrier());
    assertEquals("TRK-DE-order-1", shipment.trackingNumber());
    assertEquals(FulfillmentStage.SHIPPED, workflow.stage());
  }

  @Test
  void unknownSkuFailsTheWorkflowWithTheUnknownSkuTypeAndNoRetry() {
    FulfillmentWorkflow workflow = start(SimulationSettings.INSTANT);

    WorkflowFailedException failed =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                workflow.fulfill(
                    new FulfillmentRequest("order-1", List.of(new OrderLine("NOPE-1", 1)), "DE")));

    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failed.getCause());
    assertEquals(WarehouseActivities.UNKNOWN_SKU, cause.getType());
    assertTrue(cause.getOriginalMessage().contains("NOPE-1"), cause.getOriginalMessage());
    assertTrue(cause.isNonRetryable());
  }

  @Test
  void transientWarehouseFailuresAreRetriedUntilTheOrderShips() {
    FulfillmentWorkflow workflow = start(new SimulationSettings(Duration.ZERO, 0.6, 42L));

    Shipment shipment =
        workflow.fulfill(
            new FulfillmentRequest("order-1", List.of(new OrderLine("SKU-002", 1)), "FR"));

    assertEquals("TRK-FR-order-1", shipment.trackingNumber());
  }
}
