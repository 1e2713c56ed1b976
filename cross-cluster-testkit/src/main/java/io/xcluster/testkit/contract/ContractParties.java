package io.xcluster.testkit.contract;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.xcluster.port.call.CallId;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.spi.CallRoute;
import java.time.Duration;

/**
 * The two parties of a contract call outside the kit's own cases: the caller workflow's worker on
 * the source cluster, the remote workflow's worker on the target, and callers started one by one —
 * for tests that drive a transport with many calls (limits, faults).
 */
public final class ContractParties {

  private ContractParties() {}

  /** A caller workflow started on the source cluster, and the id its remote run gets. */
  public record StartedCaller(String workflowId, String remoteWorkflowId, WorkflowStub stub) {}

  /** Starts a worker for the caller workflow, reaching the target through {@code route}. */
  public static WorkerFactory startCallers(ClusterConnection source, CallRoute route) {
    WorkerFactory workers = source.newWorkerFactory();
    workers
        .newWorker(ContractCallerWorkflow.TASK_QUEUE)
        .registerWorkflowImplementationFactory(
            ContractCallerWorkflow.class, () -> new ContractCallerWorkflowImpl(route));
    workers.start();
    return workers;
  }

  /** Starts a worker for the remote workflow, its executions counted in the in-memory ledger. */
  public static WorkerFactory startRemotes(ClusterConnection target) {
    WorkerFactory workers = target.newWorkerFactory();
    Worker remote = workers.newWorker(ContractRemoteWorkflow.TASK_QUEUE);
    remote.registerWorkflowImplementationTypes(ContractRemoteWorkflowImpl.class);
    remote.registerActivitiesImplementations(new ExecutionLedger.InMemory());
    workers.start();
    return workers;
  }

  /** Starts caller {@code callerId}, which calls the remote once under {@code operation}. */
  public static StartedCaller startCaller(
      WorkflowClient source,
      String callerId,
      String operation,
      RemoteBehaviour behaviour,
      Duration remoteTimeout) {
    return startCaller(source, new ContractCall(operation, behaviour, remoteTimeout), callerId);
  }

  /** Starts caller {@code callerId} with {@code call}. */
  public static StartedCaller startCaller(
      WorkflowClient source, ContractCall call, String callerId) {
    String operation = call.operation();
    WorkflowStub stub =
        source.newUntypedWorkflowStub(
            "ContractCallerWorkflow",
            WorkflowOptions.newBuilder()
                .setWorkflowId(callerId)
                .setTaskQueue(ContractCallerWorkflow.TASK_QUEUE)
                .build());
    stub.start(call);
    return new StartedCaller(
        callerId, new CallId(ContractClusters.SOURCE, callerId, operation).value(), stub);
  }
}
