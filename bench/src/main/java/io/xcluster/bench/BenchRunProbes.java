package io.xcluster.bench;

import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import io.xcluster.localstack.stack.ClusterKind;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.euwest.fulfillment.worker.FulfillmentServiceWorker;

/** The probe side of the benchmark on a stack. */
final class BenchRunProbes {

  private BenchRunProbes() {}

  /**
   * Adds the baseline's fulfillment worker (in us-east itself) and the probe worker; the us-east
   * client.
   */
  static WorkflowClient prepare(LocalStack stack) {
    WorkerFactory baseline =
        FulfillmentServiceWorker.start(stack.usEast(), SimulationSettings.INSTANT);
    stack.stopWithStack(baseline::shutdownNow);
    WorkerFactory probes = stack.usEast().newWorkerFactory();
    probes
        .newWorker(FulfillmentProbeWorkflow.TASK_QUEUE)
        .registerWorkflowImplementationFactory(
            FulfillmentProbeWorkflow.class,
            () -> new FulfillmentProbeWorkflowImpl(LocalStack.US_EAST, stack.fulfillmentTarget()));
    probes.start();
    stack.stopWithStack(probes::shutdownNow);
    return stack.usEast().client();
  }

  /** The PostgreSQL server's pid on the production-like stack; null on the others. */
  static Long postgresPid(LocalStack stack) {
    return stack.options().clusters() == ClusterKind.POSTGRES
        ? stack.clusters().productionLike().postgres().pid()
        : null;
  }
}
