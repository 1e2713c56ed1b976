package io.xcluster.region.useast.orders.workflow;

import java.util.ArrayList;
import java.util.List;

/**
 * An order as placed in us-east: {@code OrderWorkflow}'s input (JSON shape in docs/contracts.md).
 *
 * <p>Not validated in the constructor on purpose: a workflow argument that cannot be decoded
 * fails the workflow task over and over; {@link #problems()} lets the workflow reject it once,
 * with a reason.
 */
public record Order(
    String orderId, String customerId, List<OrderLine> lines, long amountCents, String currency, String destinationCountry) {

  public Order {
    lines = lines == null ? List.of() : List.copyOf(lines);
  }

  /** Everything wrong with this order, each naming the field; empty when it can be processed. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (orderId == null || orderId.isBlank()) {
      problems.add("orderId is missing");
    }
    if (customerId == null || customerId.isBlank()) {
      problems.add("customerId is missing");
    }
    if (lines.isEmpty()) {
      problems.add("lines: the order has no items");
    }
    for (int i = 0; i < lines.size(); i++) {
      OrderLine line = lines.get(i);
      if (line == null || line.sku() == null || line.sku().isBlank()) {
        problems.add("lines[" + i + "].sku is missing");
      } else if (line.quantity() <= 0) {
        problems.add("lines[" + i + "].quantity must be positive, was " + line.quantity());
      }
    }
    if (amountCents <= 0) {
      problems.add("amountCents must be positive, was " + amountCents);
    }
    if (currency == null || !currency.matches("[A-Z]{3}")) {
      problems.add("currency must be an ISO 4217 code such as USD, was " + currency);
    }
    return problems;
  }
}
