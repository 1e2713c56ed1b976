package io.xcluster.region.useast.orders.workflow;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Processes one order in us-east: charge the payment, have eu-west fulfil it through the
 * cross-cluster port, then confirm the shipment — or escalate when no outcome arrives in time, and
 * refund when fulfillment fails. The workflow id is the order id.
 */
@WorkflowInterface
public interface OrderWorkflow {

  String TYPE = "OrderWorkflow";
  String TASK_QUEUE = "orders";

  /** The operation segment of the fulfillment call id ({@code us-east:<orderId>:fulfillment}). */
  String FULFILLMENT_OPERATION = "fulfillment";

  String INVALID_ORDER = "InvalidOrder";

  /** The update by which a customer changes the delivery address of an open order. */
  String CHANGE_DELIVERY_ADDRESS = "changeDeliveryAddress";

  /**
   * eu-west's update on the running fulfillment that the address change is forwarded to (the
   * cross-region contract, docs/contracts.md).
   */
  String FULFILLMENT_ADDRESS_UPDATE = "changeDeliveryAddress";

  /** Refused in us-east: the order has no open fulfillment (not yet, or no longer). */
  String ORDER_NOT_FULFILLING = "OrderNotFulfilling";

  String INVALID_ADDRESS = "InvalidAddress";

  /**
   * No verdict could be had on an address change: the transport gave up forwarding it (a deployment
   * error, not an outage: outages are retried) or cannot forward updates at all.
   */
  String FULFILLMENT_UNREACHABLE = "FulfillmentUnreachable";

  @WorkflowMethod(name = TYPE)
  OrderStatus placeOrder(Order order);

  @QueryMethod(name = "status")
  OrderStatus status();

  /**
   * Forwards the new address to the running fulfillment in eu-west, whose own validator decides:
   * accepted before the parcel is packed, rejected after, with eu-west's reason.
   */
  @UpdateMethod(name = CHANGE_DELIVERY_ADDRESS)
  AddressChangeResult changeDeliveryAddress(AddressChange change);

  /** Refuses, in us-east, a change to an order with no open fulfillment or a malformed address. */
  @UpdateValidatorMethod(updateName = CHANGE_DELIVERY_ADDRESS)
  void validateAddressChange(AddressChange change);
}
