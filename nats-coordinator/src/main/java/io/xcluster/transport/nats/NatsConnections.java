package io.xcluster.transport.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.xcluster.runtime.config.NatsAccess;
import java.io.IOException;
import java.time.Duration;

/** The one place NATS connection options are built: reconnect forever, named, bounded connect. */
final class NatsConnections {

  private NatsConnections() {}

  /**
   * The inbox prefix of a NATS user: {@code _INBOX_<user>}, the user name reduced to what a subject
   * token may hold.
   */
  static String inboxPrefixFor(String user) {
    return "_INBOX_" + user.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  /** Connects without credentials or TLS, or fails with one line naming the URL. */
  static Connection connect(String url, String name) {
    return connect(new NatsAccess(url, null, null, null, null), name);
  }

  /** Connects with {@code access}'s credentials and TLS, or fails with one line naming the URL. */
  static Connection connect(NatsAccess access, String name) {
    String url = access.url();
    Options.Builder builder = Options.builder().servers(url.split(","));
    if (access.credentials() != null) {
      builder.authHandler(Nats.credentials(access.credentials().toString()));
    }
    if (access.user() != null) {
      builder.userInfo(access.user(), access.password());
      // replies to this user arrive under an inbox prefix of its own, the only one its
      // permissions let it subscribe to: no user reads another's replies
      builder.inboxPrefix(inboxPrefixFor(access.user()));
    }
    if (access.tls() != null) {
      builder.sslContext(access.sslContext());
    }
    Options options =
        builder
            .connectionName(name)
            .connectionTimeout(Duration.ofSeconds(5))
            .maxReconnects(-1)
            .reconnectWait(Duration.ofSeconds(1))
            .errorListener(new NatsServerErrors())
            .build();
    try {
      return Nats.connect(options);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot reach NATS at " + access.describe() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting to NATS at " + url, e);
    }
  }
}
