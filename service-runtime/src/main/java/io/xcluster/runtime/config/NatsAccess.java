package io.xcluster.runtime.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * How a process reaches NATS, with the NATS CLI's own variable names: {@code NATS_URL}, {@code
 * NATS_CREDS} (a credentials file), {@code NATS_USER} / {@code NATS_PASSWORD}, and TLS as PEM files
 * {@code NATS_CA}, {@code NATS_CERT}, {@code NATS_KEY} (the last two: mutual TLS).
 *
 * @param url the server, {@code nats://host:port} or {@code tls://host:port}
 * @param credentials a {@code .creds} file (JWT and NKey seed), or null
 * @param user user name, or null
 * @param password the user's password, or null
 * @param tls TLS material, or null for plaintext (a {@code tls://} URL with no files uses the JVM's
 *     trust store)
 */
public record NatsAccess(String url, Path credentials, String user, String password, PemTls tls) {

  public static final String URL = "NATS_URL";
  public static final String DEFAULT_URL = "nats://127.0.0.1:4222";

  /** How errors name the URL setting: the flag, and the variable read when it is not given. */
  public static final String URL_SETTING = "--nats-url / " + URL;

  /** Reads the settings; {@code urlFlag} (from {@code --nats-url}) wins over {@code NATS_URL}. */
  public static NatsAccess fromEnvironment(String urlFlag, Map<String, String> env) {
    String url = urlFlag != null ? urlFlag : env.getOrDefault(URL, DEFAULT_URL);
    ConfigException.requireText(URL_SETTING, url);
    url = String.join(",", java.util.Arrays.stream(url.split(",")).map(String::trim).toList());
    if (url.contains("@")) {
      // never echo it: the part before @ is a secret
      throw new ConfigException(
          URL_SETTING
              + " holds credentials (user:password@); put them in NATS_USER / NATS_PASSWORD or NATS_CREDS instead");
    }
    for (String server : url.split(",")) {
      if (!server.matches("(nats|tls)://[^\\s/]+:[^\\s/:]+")) {
        throw ConfigException.invalid(
            URL_SETTING,
            url,
            "not of the form nats://host:port or tls://host:port (comma-separated for a cluster)");
      }
      // the client would take any of these and fail only when it dials, as an outage retried
      // forever
      String port = server.substring(server.lastIndexOf(':') + 1);
      if (!port.matches("\\d{1,5}")
          || Integer.parseInt(port) < 1
          || Integer.parseInt(port) > 65_535) {
        throw ConfigException.invalid(
            URL_SETTING, url, "port '" + port + "' of " + server + " is not in the range 1-65535");
      }
    }
    for (String unsupported : new String[] {"NATS_NKEY", "NATS_TOKEN", "NATS_JWT"}) {
      if (env.containsKey(unsupported)) {
        throw new ConfigException(
            unsupported
                + " is set, but only NATS_CREDS (a credentials file) and NATS_USER / NATS_PASSWORD are supported");
      }
    }
    Path credentials = file(env, "NATS_CREDS");
    String user = env.get("NATS_USER");
    String password = env.get("NATS_PASSWORD");
    if (credentials != null && user != null) {
      throw new ConfigException(
          "NATS_CREDS and NATS_USER are both set; use one way to authenticate");
    }
    if ((user == null) != (password == null)) {
      throw new ConfigException(
          (user == null ? "NATS_PASSWORD" : "NATS_USER")
              + " is set without "
              + (user == null ? "NATS_USER" : "NATS_PASSWORD"));
    }
    Path ca = file(env, "NATS_CA");
    Path cert = file(env, "NATS_CERT");
    Path key = file(env, "NATS_KEY");
    if ((cert == null) != (key == null)) {
      throw ConfigException.invalid(
          cert == null ? "NATS_KEY" : "NATS_CERT",
          cert == null ? key : cert,
          "mutual TLS needs both NATS_CERT and NATS_KEY; "
              + (cert == null ? "NATS_CERT" : "NATS_KEY")
              + " is missing");
    }
    PemTls tls =
        ca == null && cert == null
            ? null
            : new PemTls(ca, cert, key, new String[] {"NATS_CA", "NATS_CERT", "NATS_KEY"});
    return new NatsAccess(url, credentials, user, password, tls);
  }

  /** The JDK TLS context for the connection, or null for plaintext. */
  public SSLContext sslContext() {
    return tls == null ? null : tls.sslContext();
  }

  /** For logs: the URL and how the process authenticates, never a secret. */
  public String describe() {
    String auth =
        credentials != null
            ? "credentials file " + credentials
            : user != null ? "user " + user : "no credentials";
    String security =
        tls == null
            ? (url.startsWith("tls://") ? "TLS" : "plaintext")
            : tls.cert() != null ? "mTLS" : "TLS";
    return url + " (" + security + ", " + auth + ")";
  }

  private static Path file(Map<String, String> env, String setting) {
    String value = env.get(setting);
    if (value == null || value.isBlank()) {
      return null;
    }
    Path path = Path.of(value);
    if (!Files.isReadable(path)) {
      throw ConfigException.invalid(setting, value, "no such readable file");
    }
    return path;
  }

  @Override
  public String toString() {
    return "NatsAccess[" + describe() + "]";
  }
}
