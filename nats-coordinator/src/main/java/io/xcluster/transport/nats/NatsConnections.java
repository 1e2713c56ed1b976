package io.xcluster.transport.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;

/** The one place NATS connection options are built: reconnect forever, named, bounded connect. */
final class NatsConnections {

  private NatsConnections() {}

  /** Connects, or fails with one line naming the URL. */
  static Connection connect(String url, String name) {
    Options options =
        Options.builder()
            .server(url)
            .connectionName(name)
            .connectionTimeout(Duration.ofSeconds(5))
            .maxReconnects(-1)
            .reconnectWait(Duration.ofSeconds(1))
            .errorListener(new io.nats.client.ErrorListener() {})
            .build();
    try {
      return Nats.connect(options);
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach NATS at " + url + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to NATS at " + url, e);
    }
  }
}
