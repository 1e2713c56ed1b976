package io.xcluster.region.useast.orders.workflow;

/** The life of an order. COMPLETED, FAILED and CANCELED are final. */
public enum OrderState {
  RECEIVED,
  CHARGING_PAYMENT,
  FULFILLING,
  /**
   * No fulfillment outcome within the fulfillment timeout: operations were alerted; still waiting.
   */
  ESCALATED,
  COMPLETED,
  FAILED,
  CANCELED
}
