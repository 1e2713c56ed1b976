package io.xcluster.transport.bridge;

import io.xcluster.runtime.config.ConfigException;
import io.xcluster.runtime.config.PemTls;
import io.xcluster.transport.bridge.callback.CallbackKey;
import io.xcluster.transport.bridge.callback.CallbackSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The bridge process's outcome-mode flags, turned into {@link CallbackSettings} (or none: heartbeat
 * mode).
 */
final class CallbackOptions {

  static final String MODE_VARIABLE = "XCLUSTER_BRIDGE_OUTCOME_MODE";
  static final String MODE_SETTING = "--outcome-mode / " + MODE_VARIABLE;
  static final String TLS_CERT_VARIABLE = "XCLUSTER_BRIDGE_CALLBACK_TLS_CERT";
  static final String TLS_KEY_VARIABLE = "XCLUSTER_BRIDGE_CALLBACK_TLS_KEY";

  @Option(
      names = "--outcome-mode",
      defaultValue = "${env:" + MODE_VARIABLE + ":-auto}",
      description =
          "How outcomes come back: callback (the target cluster POSTs each outcome to --callback-url; nothing held"
              + " per call), heartbeat (every call held open and heartbeated; for targets that refuse callbacks), or auto:"
              + " callback when --callback-url and --callback-key-file are set, heartbeat when neither is (only"
              + " one of them stops start-up) (env "
              + MODE_VARIABLE
              + ", default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--callback-url",
      defaultValue = "${env:" + CallbackSettings.URL_VARIABLE + "}",
      description =
          "URL the target cluster's history service POSTs outcomes to, reaching every bridge replica (e.g. a"
              + " Kubernetes service); it must match the target's component.callbacks.allowedAddresses (env "
              + CallbackSettings.URL_VARIABLE
              + ").")
  String url;

  @Option(
      names = "--callback-listen",
      defaultValue = "${env:" + CallbackSettings.LISTEN_VARIABLE + ":-127.0.0.1:8092}",
      description =
          "host:port the callback endpoint binds; 0.0.0.0:8092 in a container (env "
              + CallbackSettings.LISTEN_VARIABLE
              + ", default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(
      names = "--callback-key-file",
      defaultValue = "${env:" + CallbackSettings.KEY_VARIABLE + "}",
      description =
          "File with the secret (32 bytes or more) that signs each call's callback token; the same on every"
              + " replica (env "
              + CallbackSettings.KEY_VARIABLE
              + ").")
  Path keyFile;

  @Option(
      names = "--callback-tls-cert",
      defaultValue = "${env:XCLUSTER_BRIDGE_CALLBACK_TLS_CERT}",
      description =
          "PEM certificate chain for an HTTPS callback endpoint (env XCLUSTER_BRIDGE_CALLBACK_TLS_CERT; with --callback-tls-key).")
  Path tlsCert;

  @Option(
      names = "--callback-tls-key",
      defaultValue = "${env:XCLUSTER_BRIDGE_CALLBACK_TLS_KEY}",
      description = "Its PKCS#8 PEM private key (env XCLUSTER_BRIDGE_CALLBACK_TLS_KEY).")
  Path tlsKey;

  /**
   * The callback endpoint, or null for the heartbeat mode; a half-configured or invalid setup stops
   * start-up naming the setting.
   */
  CallbackSettings settings() {
    String chosen = mode == null ? "auto" : mode.strip().toLowerCase(Locale.ROOT);
    switch (chosen) {
      case "heartbeat":
        return null;
      case "callback":
        return callbackSettings();
      case "auto":
        if (blank(url) && keyFile == null) {
          return null;
        }
        return callbackSettings();
      default:
        throw ConfigException.invalid(MODE_SETTING, mode, "must be callback, heartbeat or auto");
    }
  }

  private CallbackSettings callbackSettings() {
    if (blank(url)) {
      throw new ConfigException(
          CallbackSettings.URL_SETTING
              + " is required for the callback mode:"
              + " the URL the target cluster POSTs outcomes to");
    }
    if (keyFile == null) {
      throw new ConfigException(
          CallbackSettings.KEY_SETTING
              + " is required for the callback mode:"
              + " a file with the secret all bridge replicas share");
    }
    if (!Files.isReadable(keyFile)) {
      throw ConfigException.invalid(
          CallbackSettings.KEY_SETTING, keyFile, "is not a readable file");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new ConfigException(
          "--callback-tls-cert / "
              + TLS_CERT_VARIABLE
              + " and --callback-tls-key / "
              + TLS_KEY_VARIABLE
              + " go together: set both or neither");
    }
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw ConfigException.invalid(
          CallbackSettings.URL_SETTING, url, "is not a URL: " + e.getMessage());
    }
    PemTls tls =
        tlsCert == null
            ? null
            : new PemTls(
                null,
                tlsCert,
                tlsKey,
                new String[] {
                  "-",
                  "--callback-tls-cert / " + TLS_CERT_VARIABLE,
                  "--callback-tls-key / " + TLS_KEY_VARIABLE
                });
    if (tls != null) {
      tls.sslContext(); // unusable files stop start-up here, naming the setting
    }
    return CallbackSettings.listeningOn(
        uri, listen, CallbackKey.fromFile(keyFile, CallbackSettings.KEY_SETTING), tls);
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
