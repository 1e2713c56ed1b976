package io.xcluster.region.euwest.fulfillment.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.xcluster.region.euwest.fulfillment.shipping.ShippingActivities;
import io.xcluster.region.euwest.fulfillment.shipping.SimulatedCarrier;
import io.xcluster.region.euwest.fulfillment.warehouse.PackedParcel;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulatedWarehouse;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.euwest.fulfillment.warehouse.WarehouseActivities;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * eu-west decides on an address change itself, whoever forwards it: accepted while the parcel is
 * being picked and packed (and shipped there), refused once it is with the carrier.
 */
class DeliveryAddressChangeTest {

  private static final DeliveryAddress IN_FRANCE =
      new DeliveryAddress("A. Martin", "1 rue de la Paix", "75002", "Paris", "FR");

  private final CountDownLatch packing = new CountDownLatch(1);
  private final CountDownLatch shipping = new CountDownLatch(1);
  private TestWorkflowEnvironment env;
  private SimulatedCarrier carrier;

  @AfterEach
  void close() {
    packing.countDown();
    shipping.countDown();
    env.close();
  }

  @Test
  void changeBeforePackingIsAcceptedAndShippedThereAfterPackingItIsRefused() throws Exception {
    FulfillmentWorkflow fulfillment = startHeldFulfillment("order-1");
    WorkflowClient.start(
        fulfillment::fulfill,
        new FulfillmentRequest("order-1", List.of(new OrderLine("SKU-001", 1)), "DE"));
    awaitStage(fulfillment, FulfillmentStage.PICKING_AND_PACKING);

    assertEquals(IN_FRANCE, fulfillment.changeDeliveryAddress(IN_FRANCE));

    packing.countDown();
    awaitStage(fulfillment, FulfillmentStage.SHIPPING);
    WorkflowUpdateException tooLate =
        assertThrows(
            WorkflowUpdateException.class,
            () ->
                fulfillment.changeDeliveryAddress(
                    new DeliveryAddress("B. Braun", "Hauptstr. 1", "10115", "Berlin", "DE")));
    ApplicationFailure refusal = assertInstanceOf(ApplicationFailure.class, tooLate.getCause());
    // the reason is what crosses intact (the type is lost on the way: sdk-java#2875, 1.38.0)
    assertTrue(
        refusal.getOriginalMessage().contains("already packed and with the carrier"),
        refusal.getOriginalMessage());

    shipping.countDown();
    Shipment shipment =
        WorkflowStub.fromTyped(fulfillment).getResult(30, TimeUnit.SECONDS, Shipment.class);
    assertEquals("TRK-FR-order-1", shipment.trackingNumber(), "shipped to the changed address");
  }

  @Test
  void aChangeWithinTheCountryReachesTheCarrierInFull() throws Exception {
    FulfillmentWorkflow fulfillment = startHeldFulfillment("order-3");
    WorkflowClient.start(
        fulfillment::fulfill,
        new FulfillmentRequest("order-3", List.of(new OrderLine("SKU-001", 1)), "DE"));
    awaitStage(fulfillment, FulfillmentStage.PICKING_AND_PACKING);
    DeliveryAddress newStreetInBerlin =
        new DeliveryAddress("B. Braun", "Hauptstr. 1", "10115", "Berlin", "DE");

    fulfillment.changeDeliveryAddress(newStreetInBerlin);
    packing.countDown();
    shipping.countDown();
    Shipment shipment =
        WorkflowStub.fromTyped(fulfillment).getResult(30, TimeUnit.SECONDS, Shipment.class);

    assertEquals(
        newStreetInBerlin.toString(),
        carrier.bookedDestination(shipment.parcelId()),
        "the carrier takes the parcel to the new street, not just to the same country");
  }

  @Test
  void malformedAddressIsRefusedWithTheReason() {
    FulfillmentWorkflow fulfillment = startHeldFulfillment("order-2");
    WorkflowClient.start(
        fulfillment::fulfill,
        new FulfillmentRequest("order-2", List.of(new OrderLine("SKU-001", 1)), "DE"));

    WorkflowUpdateException refused =
        assertThrows(
            WorkflowUpdateException.class,
            () ->
                fulfillment.changeDeliveryAddress(
                    new DeliveryAddress("A", "B", "1", "C", "france")));
    ApplicationFailure reason = assertInstanceOf(ApplicationFailure.class, refused.getCause());
    assertTrue(reason.getOriginalMessage().contains("country"), reason.getOriginalMessage());
  }

  /** A fulfillment whose packing and shipping wait for the test's gates. */
  private FulfillmentWorkflow startHeldFulfillment(String orderId) {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(FulfillmentWorkflow.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(FulfillmentWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        held(new SimulatedWarehouse(SimulationSettings.INSTANT)),
        held(carrier = new SimulatedCarrier(SimulationSettings.INSTANT)));
    env.start();
    return env.getWorkflowClient()
        .newWorkflowStub(
            FulfillmentWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(FulfillmentWorkflow.TASK_QUEUE)
                .setWorkflowId("us-east:" + orderId + ":fulfillment")
                .build());
  }

  private WarehouseActivities held(WarehouseActivities warehouse) {
    return new WarehouseActivities() {
      @Override
      public PackedParcel pickAndPack(FulfillmentRequest request) {
        await(packing);
        return warehouse.pickAndPack(request);
      }
    };
  }

  private ShippingActivities held(ShippingActivities carrier) {
    return new ShippingActivities() {
      @Override
      public Shipment ship(
          PackedParcel parcel, String destinationCountry, DeliveryAddress changedAddress) {
        await(shipping);
        return carrier.ship(parcel, destinationCountry, changedAddress);
      }
    };
  }

  private static void await(CountDownLatch gate) {
    try {
      if (!gate.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never opened the gate");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void awaitStage(FulfillmentWorkflow fulfillment, FulfillmentStage stage)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (fulfillment.stage() != stage) {
      assertTrue(System.nanoTime() < deadline, "stage " + stage + " within 30 s");
      Thread.sleep(50);
    }
  }
}
