package io.xcluster.region.useast.orders.usecase;

import io.xcluster.region.useast.orders.workflow.Order;
import io.xcluster.region.useast.orders.workflow.OrderLine;
import java.util.List;

/**
 * An order as a client asks for it: everything but its id, which placing assigns
 * (docs/openapi.yaml).
 */
public record NewOrder(
    String customerId,
    List<OrderLine> lines,
    long amountCents,
    String currency,
    String destinationCountry) {

  public Order withId(String orderId) {
    return new Order(orderId, customerId, lines, amountCents, currency, destinationCountry);
  }
}
