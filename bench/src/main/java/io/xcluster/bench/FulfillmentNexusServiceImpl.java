package io.xcluster.bench;

import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.client.WorkflowOptions;
import io.temporal.nexus.Nexus;
import io.temporal.nexus.WorkflowRunOperation;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentRequest;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentWorkflow;
import io.xcluster.region.euwest.fulfillment.workflow.Shipment;

/**
 * Runs each {@code fulfil} operation as a FulfillmentWorkflow in the handler's namespace, keyed by
 * the operation's request id.
 */
@ServiceImpl(service = FulfillmentNexusService.class)
public final class FulfillmentNexusServiceImpl {

  @OperationImpl
  public OperationHandler<FulfillmentRequest, Shipment> fulfil() {
    return WorkflowRunOperation.fromWorkflowMethod(
        (context, details, request) ->
            Nexus.getOperationContext()
                    .getWorkflowClient()
                    .newWorkflowStub(
                        FulfillmentWorkflow.class,
                        WorkflowOptions.newBuilder()
                            .setWorkflowId(details.getRequestId())
                            .setTaskQueue(FulfillmentWorkflow.TASK_QUEUE)
                            .build())
                ::fulfill);
  }
}
