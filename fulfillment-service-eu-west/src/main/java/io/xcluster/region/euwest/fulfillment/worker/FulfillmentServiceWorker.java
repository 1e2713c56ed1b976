package io.xcluster.region.euwest.fulfillment.worker;

import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.WorkerPollers;
import io.xcluster.region.euwest.fulfillment.shipping.SimulatedCarrier;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulatedWarehouse;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentActivityTimeouts;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentWorkflow;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentWorkflowImpl;
import java.util.List;

/**
 * Registers eu-west's workflow and activities on the {@code fulfillment} queue of a connected
 * cluster.
 */
public final class FulfillmentServiceWorker {

  private FulfillmentServiceWorker() {}

  /** Registers and starts the worker; the caller owns (and shuts down) the returned factory. */
  public static WorkerFactory start(ClusterConnection euWest, SimulationSettings simulation) {
    return start(euWest, simulation, FulfillmentWorkflow.TASK_QUEUE);
  }

  /**
   * As {@link #start(ClusterConnection, SimulationSettings)}, on another task queue (benchmarks,
   * tests).
   */
  public static WorkerFactory start(
      ClusterConnection euWest, SimulationSettings simulation, String taskQueue) {
    return start(euWest, simulation, taskQueue, WorkerPollers.DEFAULT);
  }

  /** As above, with this many task polls open at once ({@link WorkerPollers}). */
  public static WorkerFactory start(
      ClusterConnection euWest,
      SimulationSettings simulation,
      String taskQueue,
      WorkerPollers pollers) {
    WorkerFactory factory = euWest.newWorkerFactory();
    Worker worker = factory.newWorker(taskQueue, pollers.workerOptions());
    worker.registerWorkflowImplementationTypes(FulfillmentWorkflowImpl.class);
    worker.registerActivitiesImplementations(activities(simulation).toArray());
    factory.start();
    return factory;
  }

  /**
   * The activity implementations this worker registers; each has its stated timeouts in {@link
   * FulfillmentActivityTimeouts}.
   */
  public static List<Object> activities(SimulationSettings simulation) {
    return List.of(new SimulatedWarehouse(simulation), new SimulatedCarrier(simulation));
  }
}
