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

  static final String MODE_SETTING = "XCLUSTER_BRIDGE_OUTCOME_MODE";

  @Option(
      names = "--outcome-mode",
      defaultValue = "${env:" + MODE_SETTING + ":-auto}",
      description =
          "How outcomes come back: callback (the target cluster POSTs each outcome to --callback-url; nothing held"
              + " per call), heartbeat (every call held open and heartbeated; for targets that refuse callbacks), or auto:"
              + " callback when --callback-url and --callback-key-file are set, else heartbeat (env "
              + MODE_SETTING
              + ", default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--callback-url",
      defaultValue = "${env:" + CallbackSettings.URL_SETTING + "}",
      description =
          "URL the target cluster's history service POSTs outcomes to, reaching every bridge replica (e.g. a"
              + " Kubernetes service); it must match the target's component.callbacks.allowedAddresses (env "
              + CallbackSettings.URL_SETTING
              + ").")
  String url;

  @Option(
      names = "--callback-listen",
      defaultValue = "${env:" + CallbackSettings.LISTEN_SETTING + ":-127.0.0.1:8092}",
      description =
          "host:port the callback endpoint binds; 0.0.0.0:8092 in a container (env "
              + CallbackSettings.LISTEN_SETTING
              + ", default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(
      names = "--callback-key-file",
      defaultValue = "${env:" + CallbackSettings.KEY_SETTING + "}",
      description =
          "File with the secret (32 bytes or more) that signs each call's callback token; the same on every"
              + " replica (env "
              + CallbackSettings.KEY_SETTING
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
              + " (--callback-url) is required for the callback mode:"
              + " the URL the target cluster POSTs outcomes to");
    }
    if (keyFile == null) {
      throw new ConfigException(
          CallbackSettings.KEY_SETTING
              + " (--callback-key-file) is required for the callback mode:"
              + " a file with the secret all bridge replicas share");
    }
    if (!Files.isReadable(keyFile)) {
      throw ConfigException.invalid(
          CallbackSettings.KEY_SETTING, keyFile, "is not a readable file");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new ConfigException(
          "XCLUSTER_BRIDGE_CALLBACK_TLS_CERT and XCLUSTER_BRIDGE_CALLBACK_TLS_KEY go together: set both or neither");
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
                  "-", "XCLUSTER_BRIDGE_CALLBACK_TLS_CERT", "XCLUSTER_BRIDGE_CALLBACK_TLS_KEY"
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
