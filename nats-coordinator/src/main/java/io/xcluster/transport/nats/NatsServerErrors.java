package io.xcluster.transport.nats;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what the NATS server refuses on a connection — a permissions violation above all — once per
 * distinct error, naming the connection. A publish the server refuses otherwise shows only as a
 * JetStream timeout, retried like an outage, with the reason nowhere.
 */
final class NatsServerErrors implements ErrorListener {

  private static final Logger log = LoggerFactory.getLogger(NatsServerErrors.class);

  /** Distinct errors remembered; beyond this a flood of new ones is not logged one by one. */
  static final int REMEMBERED = 100;

  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  @Override
  public void errorOccurred(Connection connection, String error) {
    if (seen.size() >= REMEMBERED || !seen.add(error)) {
      return;
    }
    String name = connection == null ? "?" : connection.getOptions().getConnectionName();
    if (error.toLowerCase(java.util.Locale.ROOT).contains("permissions violation")) {
      log.error(
          "NATS refused connection {}: {} (its credentials lack that permission; what each side"
              + " needs: docs/configuration.md, section NATS permissions)",
          name,
          error);
    } else {
      log.error("NATS server error on connection {}: {}", name, error);
    }
  }

  /** How many distinct errors were logged; for tests. */
  int logged() {
    return seen.size();
  }
}
