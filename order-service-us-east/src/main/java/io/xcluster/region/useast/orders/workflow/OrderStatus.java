package io.xcluster.region.useast.orders.workflow;

/**
 * An order's current status (the {@code status} query) and, once final, its result.
 *
 * @param transport the cross-cluster transport this order's fulfillment travels on, once chosen
 * @param failureReason why the order FAILED, in one line; null otherwise
 */
public record OrderStatus(
    String orderId,
    OrderState state,
    String transport,
    String carrier,
    String trackingNumber,
    String failureReason) {

  static OrderStatus received(String orderId) {
    return new OrderStatus(orderId, OrderState.RECEIVED, null, null, null, null);
  }

  OrderStatus withState(OrderState newState) {
    return new OrderStatus(orderId, newState, transport, carrier, trackingNumber, failureReason);
  }

  OrderStatus withTransport(String newTransport) {
    return new OrderStatus(orderId, state, newTransport, carrier, trackingNumber, failureReason);
  }

  OrderStatus shipped(String byCarrier, String tracking) {
    return new OrderStatus(orderId, OrderState.COMPLETED, transport, byCarrier, tracking, null);
  }

  OrderStatus failed(String reason) {
    return new OrderStatus(orderId, OrderState.FAILED, transport, carrier, trackingNumber, reason);
  }
}
