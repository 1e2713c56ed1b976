package io.xcluster.localstack.bench;

import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import io.xcluster.fulfillment.workflow.FulfillmentWorkflow;
import io.xcluster.fulfillment.workflow.Shipment;
import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.workflow.CrossClusterClient;

public final class FulfillmentProbeWorkflowImpl implements FulfillmentProbeWorkflow {

  private final String sourceCluster;
  private final RemoteTarget fulfillment;

  public FulfillmentProbeWorkflowImpl(String sourceCluster, RemoteTarget fulfillment) {
    this.sourceCluster = sourceCluster;
    this.fulfillment = fulfillment;
  }

  @Override
  public String fulfil(ProbeRequest request) {
    if (request.route() == null) {
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
    CrossClusterClient crossCluster = new CrossClusterClient(sourceCluster, request::route);
    return crossCluster.call("fulfillment", target, request.fulfillment()).get()
        .resultOrThrow(Shipment.class)
        .trackingNumber();
  }
}
