package io.xcluster.region.useast.orders.workflow;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.xcluster.port.spi.CallWaitingNotice;

/**
 * An order's current status (the {@code status} query) and, once final, its result.
 *
 * @param transport the cross-cluster transport this order's fulfillment travels on, once chosen
 * @param failureReason why the order FAILED, in one line; null otherwise
 * @param fulfillmentWaiting why the fulfillment call waits, as a transport that holds handed-over
 *     calls said (NATS: the relay in eu-west); null when it does not wait or nothing was said, and
 *     then left out of the JSON, so readers older than it see the status they know (and readers
 *     ignore fields newer than them: a rolling upgrade reads either way)
 * @param fulfillmentProgress how far eu-west has got with the fulfillment, as it last reported
 *     while the call was open (stage, and the carrier once known); null before its first report,
 *     and then left out of the JSON as above
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OrderStatus(
    String orderId,
    OrderState state,
    String transport,
    String carrier,
    String trackingNumber,
    String failureReason,
    @JsonInclude(JsonInclude.Include.NON_NULL) CallWaitingNotice fulfillmentWaiting,
    @JsonInclude(JsonInclude.Include.NON_NULL) FulfillmentProgress fulfillmentProgress) {

  static OrderStatus received(String orderId) {
    return new OrderStatus(orderId, OrderState.RECEIVED, null, null, null, null, null, null);
  }

  OrderStatus withState(OrderState newState) {
    return new OrderStatus(
        orderId, newState, transport, carrier, trackingNumber, failureReason, null, null);
  }

  OrderStatus withTransport(String newTransport) {
    return new OrderStatus(
        orderId, state, newTransport, carrier, trackingNumber, failureReason, null, null);
  }

  OrderStatus shipped(String byCarrier, String tracking) {
    return new OrderStatus(
        orderId, OrderState.COMPLETED, transport, byCarrier, tracking, null, null, null);
  }

  OrderStatus failed(String reason) {
    return new OrderStatus(
        orderId, OrderState.FAILED, transport, carrier, trackingNumber, reason, null, null);
  }

  /**
   * This status as a query answers it: with why the fulfillment waits, if it does, and how far it
   * has got.
   */
  OrderStatus live(CallWaitingNotice waiting, FulfillmentProgress progress) {
    return new OrderStatus(
        orderId, state, transport, carrier, trackingNumber, failureReason, waiting, progress);
  }
}
