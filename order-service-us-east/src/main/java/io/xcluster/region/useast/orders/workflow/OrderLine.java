package io.xcluster.region.useast.orders.workflow;

/** One line of an order: a stock-keeping unit and how many. */
public record OrderLine(String sku, int quantity) {}
