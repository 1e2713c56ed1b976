package io.xcluster.region.euwest.fulfillment.workflow;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Picks, packs and ships one order in eu-west. It neither knows nor cares who started it: the
 * bridge, the NATS coordinator, or an operator with the Temporal CLI.
 */
@WorkflowInterface
public interface FulfillmentWorkflow {

  String TYPE = "FulfillmentWorkflow";
  String TASK_QUEUE = "fulfillment";

  @WorkflowMethod(name = TYPE)
  Shipment fulfill(FulfillmentRequest request);

  @QueryMethod(name = "stage")
  FulfillmentStage stage();
}
