package io.xcluster.bench;

import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import io.temporal.workflow.Workflow;
import io.xcluster.port.call.RemoteCallFailedException;
import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.workflow.CrossClusterClient;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentWorkflow;
import io.xcluster.region.euwest.fulfillment.workflow.Shipment;
import java.time.Duration;

public final class FulfillmentProbeWorkflowImpl implements FulfillmentProbeWorkflow {

  /** The operation name in the call id: {@code us-east:<probe id>:fulfillment}. */
  static final String OPERATION = "fulfillment";

  private final String sourceCluster;
  private final RemoteTarget fulfillment;

  public FulfillmentProbeWorkflowImpl(String sourceCluster, RemoteTarget fulfillment) {
    this.sourceCluster = sourceCluster;
    this.fulfillment = fulfillment;
  }

  @Override
  public String fulfil(ProbeRequest request) {
    if (request.via() == ProbeVia.NEXUS) {
      FulfillmentNexusService peer =
          Workflow.newNexusServiceStub(
              FulfillmentNexusService.class,
              NexusServiceOptions.newBuilder()
                  .setEndpoint(NexusPeer.ENDPOINT)
                  .setOperationOptions(
                      NexusOperationOptions.newBuilder()
                          .setScheduleToCloseTimeout(Duration.ofMinutes(10))
                          .build())
                  .build());
      return peer.fulfil(request.fulfillment()).trackingNumber();
    }
    if (request.via() == ProbeVia.CHILD) {
      FulfillmentWorkflow child =
          Workflow.newChildWorkflowStub(
              FulfillmentWorkflow.class,
              ChildWorkflowOptions.newBuilder()
                  .setTaskQueue(FulfillmentWorkflow.TASK_QUEUE)
                  .build());
      return child.fulfill(request.fulfillment()).trackingNumber();
    }
    RemoteTarget target =
        new RemoteTarget(
            fulfillment.cluster(),
            fulfillment.namespace(),
            fulfillment.workflowType(),
            request.remoteTaskQueue(),
            fulfillment.executionTimeout());
    CrossClusterClient crossCluster = new CrossClusterClient(sourceCluster, request::route);
    try {
      return crossCluster
          .call(OPERATION, target, request.fulfillment())
          .get()
          .resultOrThrow(Shipment.class)
          .trackingNumber();
    } catch (RemoteCallFailedException e) {
      // the probe ends failed (a canceled held call, in the in-flight figures), not retried
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), "RemoteCallFailed");
    }
  }
}
