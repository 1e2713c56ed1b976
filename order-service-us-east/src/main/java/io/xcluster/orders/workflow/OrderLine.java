package io.xcluster.orders.workflow;

/** One line of an order: a stock-keeping unit and how many. */
public record OrderLine(String sku, int quantity) {}
