package io.xcluster.region.euwest.fulfillment.workflow;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
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

  String CHANGE_DELIVERY_ADDRESS = "changeDeliveryAddress";

  /** The validator's refusal once the parcel is packed and with the carrier. */
  String ADDRESS_CHANGE_TOO_LATE = "AddressChangeTooLate";

  String INVALID_ADDRESS = "InvalidAddress";

  /**
   * Changes where the parcel goes; answers the address it now goes to. Whoever sends it — a
   * transport forwarding it from us-east, or an operator — the validator decides.
   */
  @UpdateMethod(name = CHANGE_DELIVERY_ADDRESS)
  DeliveryAddress changeDeliveryAddress(DeliveryAddress address);

  /** Accepts a change only before the parcel is packed and handed to the carrier. */
  @UpdateValidatorMethod(updateName = CHANGE_DELIVERY_ADDRESS)
  void validateDeliveryAddress(DeliveryAddress address);
}
