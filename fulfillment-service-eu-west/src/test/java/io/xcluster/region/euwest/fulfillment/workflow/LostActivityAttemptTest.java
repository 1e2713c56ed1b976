package io.xcluster.region.euwest.fulfillment.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.activity.Activity;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.xcluster.region.euwest.fulfillment.shipping.SimulatedCarrier;
import io.xcluster.region.euwest.fulfillment.warehouse.PackedParcel;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulatedWarehouse;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.euwest.fulfillment.warehouse.WarehouseActivities;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An attempt whose result is lost (its server connection dropped, its worker froze) costs a
 * heartbeat timeout, not the step's start-to-close, and the warehouse still picks once.
 */
@Timeout(60)
class LostActivityAttemptTest {

  private final CountDownLatch release = new CountDownLatch(1);
  private TestWorkflowEnvironment env;

  /**
   * The first attempt asks the warehouse to pick, then falls silent, as if its answer were lost.
   */
  private static final class FirstAnswerLost implements WarehouseActivities {
    private final SimulatedWarehouse warehouse;
    private final CountDownLatch release;

    FirstAnswerLost(SimulatedWarehouse warehouse, CountDownLatch release) {
      this.warehouse = warehouse;
      this.release = release;
    }

    @Override
    public PackedParcel pickAndPack(FulfillmentRequest request) {
      PackedParcel parcel = warehouse.pickAndPack(request);
      if (Activity.getExecutionContext().getInfo().getAttempt() == 1) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return parcel;
    }
  }

  @AfterEach
  void close() {
    release.countDown();
    env.close();
  }

  @Test
  void aPickWhoseAnswerIsLostIsRetriedAfterTheHeartbeatTimeoutAndPicksOnce() {
    // real time: the heartbeat timeout (10 s) is what this test is about
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    SimulatedWarehouse warehouse = new SimulatedWarehouse(SimulationSettings.INSTANT);
    Worker worker = env.newWorker(FulfillmentWorkflow.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(FulfillmentWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new FirstAnswerLost(warehouse, release), new SimulatedCarrier(SimulationSettings.INSTANT));
    env.start();
    FulfillmentWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                FulfillmentWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(FulfillmentWorkflow.TASK_QUEUE)
                    .setWorkflowId("us-east:lost-1:fulfillment")
                    .build());
    long before = System.nanoTime();

    Shipment shipment =
        workflow.fulfill(
            new FulfillmentRequest("lost-1", List.of(new OrderLine("SKU-001", 1)), "DE"));

    Duration took = Duration.ofNanos(System.nanoTime() - before);
    assertEquals("TRK-DE-lost-1", shipment.trackingNumber());
    // the heartbeat timeout (10 s) decides, not the start-to-close (1 h); slack for a busy machine
    assertTrue(
        took.compareTo(FulfillmentActivityTimeouts.HEARTBEAT_TIMEOUT.multipliedBy(3)) <= 0,
        "the lost attempt was retried after "
            + took
            + ", not about a heartbeat timeout after it fell silent");
    assertEquals(
        1,
        warehouse.picksPerformed(),
        "the retried attempt joined the pick instead of picking again");
  }
}
