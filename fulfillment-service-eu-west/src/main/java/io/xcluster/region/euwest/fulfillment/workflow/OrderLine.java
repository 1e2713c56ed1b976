package io.xcluster.region.euwest.fulfillment.workflow;

/** One line of what to ship: a stock-keeping unit and how many. */
public record OrderLine(String sku, int quantity) {}
