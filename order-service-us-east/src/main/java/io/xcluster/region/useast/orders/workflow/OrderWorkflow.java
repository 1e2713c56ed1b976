package io.xcluster.region.useast.orders.workflow;

import io.temporal.workflow.QueryMethod;
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

  @WorkflowMethod(name = TYPE)
  OrderStatus placeOrder(Order order);

  @QueryMethod(name = "status")
  OrderStatus status();
}
