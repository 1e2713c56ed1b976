package io.xcluster.region.useast.orders.notification;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Tells the customer about the shipment, and operations about orders that need a human. */
@ActivityInterface
public interface NotificationActivities {

  @ActivityMethod(name = "SendShippingConfirmation")
  void sendShippingConfirmation(String orderId, String carrier, String trackingNumber);

  @ActivityMethod(name = "EscalateOrder")
  void escalate(String orderId, String reason);
}
