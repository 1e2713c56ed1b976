package io.xcluster.localstack.bench;

import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import io.xcluster.fulfillment.workflow.FulfillmentWorkflow;
import io.xcluster.fulfillment.workflow.Shipment;
import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.workflow.CrossClusterClient;

public final class FulfillmentProbeWorkflowImpl implements FulfillmentProbeWorkflow {

  private final RemoteTarget fulfillment;
  private final CrossClusterClient crossCluster;

  public FulfillmentProbeWorkflowImpl(String sourceCluster, RemoteTarget fulfillment, CallRoute route) {
    this.fulfillment = fulfillment;
    this.crossCluster = new CrossClusterClient(sourceCluster, () -> route);
  }

  @Override
  public String fulfil(ProbeRequest request) {
    if (request.variant() == ProbeVariant.IN_CLUSTER_CHILD) {
      FulfillmentWorkflow child =
          Workflow.newChildWorkflowStub(
              FulfillmentWorkflow.class,
              ChildWorkflowOptions.newBuilder().setTaskQueue(FulfillmentWorkflow.TASK_QUEUE).build());
      return child.fulfill(request.fulfillment()).trackingNumber();
    }
    RemoteTarget target =
        new RemoteTarget(
            fulfillment.cluster(), fulfillment.namespace(), fulfillment.workflowType(), request.remoteTaskQueue(),
            fulfillment.executionTimeout());
    return crossCluster.call("fulfillment", target, request.fulfillment()).get()
        .resultOrThrow(Shipment.class)
        .trackingNumber();
  }
}
