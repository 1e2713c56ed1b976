package io.xcluster.region.useast.orders.notification;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated mailer and pager: logs and remembers what it sent, once per order (the order id is
 * the idempotency key a real provider would take), so a retried attempt or a second run of the same
 * order sends nothing twice. Replace when forking.
 */
public final class SimulatedNotifier implements NotificationActivities {

  private static final Logger log = LoggerFactory.getLogger(SimulatedNotifier.class);

  private final Map<String, String> confirmations = new ConcurrentHashMap<>();
  private final Map<String, String> escalations = new ConcurrentHashMap<>();

  @Override
  public void sendShippingConfirmation(String orderId, String carrier, String trackingNumber) {
    if (confirmations.putIfAbsent(orderId, trackingNumber) == null) {
      log.debug("order {} shipped with {} as {}", orderId, carrier, trackingNumber);
    }
  }

  @Override
  public void escalate(String orderId, String reason) {
    if (escalations.putIfAbsent(orderId, reason) == null) {
      log.warn("order {} escalated to operations: {}", orderId, reason);
    }
  }

  /** The tracking number confirmed for {@code orderId}, or null. */
  public String confirmationFor(String orderId) {
    return confirmations.get(orderId);
  }

  /** The escalation reason for {@code orderId}, or null. */
  public String escalationFor(String orderId) {
    return escalations.get(orderId);
  }
}
