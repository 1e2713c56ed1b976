package io.xcluster.region.useast.orders.api;

import io.xcluster.region.useast.orders.workflow.Order;
import io.xcluster.region.useast.orders.workflow.OrderLine;
import java.util.List;

/** The body of {@code POST /orders}: an order without its id, which the service assigns (docs/openapi.yaml). */
public record PlaceOrderRequest(
    String customerId, List<OrderLine> lines, long amountCents, String currency, String destinationCountry) {

  public Order toOrder(String orderId) {
    return new Order(orderId, customerId, lines, amountCents, currency, destinationCountry);
  }
}
