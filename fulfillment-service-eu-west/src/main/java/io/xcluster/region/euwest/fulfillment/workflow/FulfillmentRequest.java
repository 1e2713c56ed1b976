package io.xcluster.region.euwest.fulfillment.workflow;

import java.util.List;

/**
 * What eu-west is asked to fulfil. The JSON shape is the cross-cluster contract
 * (docs/contracts.md).
 */
public record FulfillmentRequest(String orderId, List<OrderLine> lines, String destinationCountry) {

  public FulfillmentRequest {
    lines = lines == null ? List.of() : List.copyOf(lines);
  }
}
