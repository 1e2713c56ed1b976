package io.xcluster.transport.bridge.callback;

import io.xcluster.runtime.config.ConfigException;
import io.xcluster.runtime.config.PemTls;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The bridge's callback endpoint: where the target cluster's history service POSTs each outcome
 * ({@code url}, as the target reaches it, e.g. a Kubernetes service), where this replica listens
 * for it, the shared key that signs the tokens, and optional TLS for the listener.
 *
 * @param url the address handed to the target cluster with each call; its path is the endpoint's
 *     path
 * @param listenHost the address the endpoint binds
 * @param listenPort the port it binds, 0 for any free port
 * @param key the shared token key
 * @param tls the listener's certificate and key, or null for plain HTTP (e.g. behind a
 *     TLS-terminating proxy)
 * @param tokenGrace how long a token stays valid beyond the call's remote execution timeout: the
 *     target keeps retrying a callback after the run closed, for as long as the bridge is down
 */
public record CallbackSettings(
    URI url, String listenHost, int listenPort, CallbackKey key, PemTls tls, Duration tokenGrace) {

  /** The variables the bridge process reads when the flag is not given. */
  public static final String URL_VARIABLE = "XCLUSTER_BRIDGE_CALLBACK_URL";

  public static final String LISTEN_VARIABLE = "XCLUSTER_BRIDGE_CALLBACK_LISTEN";
  public static final String KEY_VARIABLE = "XCLUSTER_BRIDGE_CALLBACK_KEY_FILE";

  /** How errors name each setting: the flag, and its variable. */
  public static final String URL_SETTING = "--callback-url / " + URL_VARIABLE;

  public static final String LISTEN_SETTING = "--callback-listen / " + LISTEN_VARIABLE;
  public static final String KEY_SETTING = "--callback-key-file / " + KEY_VARIABLE;
  public static final Duration DEFAULT_TOKEN_GRACE = Duration.ofDays(7);

  public CallbackSettings {
    Objects.requireNonNull(url, URL_SETTING);
    String scheme = url.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw ConfigException.invalid(
          URL_SETTING, url, "must be an http:// or https:// URL the target cluster can reach");
    }
    if (url.getHost() == null || url.getHost().isBlank()) {
      throw ConfigException.invalid(URL_SETTING, url, "has no host");
    }
    if (listenHost == null || listenHost.isBlank()) {
      throw ConfigException.invalid(
          LISTEN_SETTING, listenHost, "needs a host to bind, e.g. 0.0.0.0:8092");
    }
    if (listenPort < 0 || listenPort > 65535) {
      throw ConfigException.invalid(
          LISTEN_SETTING, listenHost + ":" + listenPort, "port must be 0..65535");
    }
    if (key == null) {
      throw new ConfigException(
          KEY_SETTING
              + " is required for callbacks: a file with the key all bridge replicas share");
    }
    tokenGrace = tokenGrace == null ? DEFAULT_TOKEN_GRACE : tokenGrace;
  }

  /** Binds {@code host:port}, e.g. {@code 0.0.0.0:8092}. */
  public static CallbackSettings listeningOn(
      URI url, String hostAndPort, CallbackKey key, PemTls tls) {
    int colon = hostAndPort == null ? -1 : hostAndPort.lastIndexOf(':');
    if (colon <= 0) {
      throw ConfigException.invalid(
          LISTEN_SETTING, hostAndPort, "must be host:port, e.g. 0.0.0.0:8092");
    }
    int port;
    try {
      port = Integer.parseInt(hostAndPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw ConfigException.invalid(LISTEN_SETTING, hostAndPort, "port is not a number");
    }
    return new CallbackSettings(url, hostAndPort.substring(0, colon), port, key, tls, null);
  }

  /** The path the endpoint serves: the URL's, or {@code /} if it has none. */
  public String path() {
    String path = url.getPath();
    return path == null || path.isEmpty() ? "/" : path;
  }

  /** The same settings with the URL the target must use (e.g. once a free port was bound). */
  public CallbackSettings withUrl(URI newUrl) {
    return new CallbackSettings(newUrl, listenHost, listenPort, key, tls, tokenGrace);
  }
}
