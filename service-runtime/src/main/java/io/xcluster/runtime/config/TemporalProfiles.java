package io.xcluster.runtime.config;

import io.temporal.envconfig.ClientConfig;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.envconfig.ClientConfigTLS;
import io.temporal.envconfig.LoadClientConfigOptions;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.cluster.ClusterTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Cluster connections the way Temporal's CLI and SDKs configure them ({@code
 * io.temporal:temporal-envconfig}): a TOML file of profiles ({@code TEMPORAL_CONFIG_FILE}, default
 * {@code ~/.config/temporalio/temporal.toml}), one profile per cluster, named after the cluster
 * ({@code [profile.us-east]}), overridden by {@code TEMPORAL_*} variables, then by flags.
 *
 * <p>{@code TEMPORAL_*} overrides apply only to a process that connects to one cluster: in a
 * process that connects to two (the bridge, the NATS coordinator) they would be ambiguous, so they
 * are refused there with a line saying where to put the setting instead.
 */
public final class TemporalProfiles {

  public static final String CONFIG_FILE = "TEMPORAL_CONFIG_FILE";
  public static final String PROFILE = "TEMPORAL_PROFILE";

  /** How errors name the profile file's setting: the flag, and the variable read without it. */
  static final String CONFIG_FILE_SETTING = "--temporal-config-file / " + CONFIG_FILE;

  static final List<String> OVERRIDES =
      List.of(
          "TEMPORAL_ADDRESS",
          "TEMPORAL_NAMESPACE",
          "TEMPORAL_TLS",
          "TEMPORAL_TLS_CLIENT_CERT_PATH",
          "TEMPORAL_TLS_CLIENT_KEY_PATH",
          "TEMPORAL_TLS_SERVER_CA_CERT_PATH",
          "TEMPORAL_TLS_SERVER_NAME",
          "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION");
  private static final List<String> TWO_CLUSTER_REFUSED =
      java.util.stream.Stream.concat(OVERRIDES.stream(), java.util.stream.Stream.of(PROFILE))
          .toList();
  private static final List<String> UNSUPPORTED =
      List.of(
          "TEMPORAL_API_KEY",
          "TEMPORAL_TLS_CLIENT_CERT_DATA",
          "TEMPORAL_TLS_CLIENT_KEY_DATA",
          "TEMPORAL_TLS_SERVER_CA_CERT_DATA");

  private final Map<String, ClientConfigProfile> profiles;
  private final String file;
  private final Map<String, String> env;

  private TemporalProfiles(
      Map<String, ClientConfigProfile> profiles, String file, Map<String, String> env) {
    this.profiles = profiles;
    this.file = file;
    this.env = env;
  }

  /**
   * Reads the profile file: {@code configFile} if given, else {@code TEMPORAL_CONFIG_FILE}, else
   * the Temporal default path (a missing default file means no profiles; a missing named file is an
   * error).
   */
  public static TemporalProfiles load(String configFile, Map<String, String> env) {
    for (String name : UNSUPPORTED) {
      if (env.containsKey(name)) {
        throw new ConfigException(
            name
                + " is set, but this project reads TLS material from files and does not support API keys yet;"
                + " use the *_PATH settings (tls.client_cert_path, tls.client_key_path, tls.server_ca_cert_path)");
      }
    }
    String named = configFile != null && !configFile.isBlank() ? configFile : env.get(CONFIG_FILE);
    String setting = CONFIG_FILE_SETTING;
    String path = named != null && !named.isBlank() ? named : defaultFile();
    if (named != null && !named.isBlank() && !Files.isReadable(Path.of(named))) {
      throw ConfigException.invalid(setting, named, "no such readable file");
    }
    try {
      if (Files.isReadable(Path.of(path)) && !Files.readString(Path.of(path)).contains("profile")) {
        // a file without profiles: envconfig 1.38 fails on it with a NullPointerException
        return new TemporalProfiles(Map.of(), path, env);
      }
      ClientConfig config =
          ClientConfig.load(
              LoadClientConfigOptions.newBuilder()
                  // strict (unknown keys are errors) for a file named on purpose; the CLI's default
                  // file may hold keys for newer tools
                  .setConfigFilePath(path)
                  .setStrictConfigFile(named != null && !named.isBlank())
                  .setEnvOverrides(env)
                  .build());
      return new TemporalProfiles(
          config.getProfiles(), path != null && Files.exists(Path.of(path)) ? path : null, env);
    } catch (IOException | RuntimeException e) {
      throw ConfigException.invalid(
          named != null ? setting : "Temporal config file",
          path,
          "cannot be read as Temporal profiles: " + oneLine(e));
    }
  }

  /** Temporal's default profile file on this OS (as the CLI reads it). */
  static String defaultFile() {
    String home = System.getProperty("user.home", "");
    boolean mac = System.getProperty("os.name", "").toLowerCase().contains("mac");
    return mac
        ? Path.of(home, "Library", "Application Support", "temporalio", "temporal.toml").toString()
        : Path.of(home, ".config", "temporalio", "temporal.toml").toString();
  }

  /** The file the profiles came from, or null when there is none. */
  public String file() {
    return file;
  }

  /**
   * The connection of a process that talks to one cluster: profile {@code TEMPORAL_PROFILE} if set,
   * else the profile named {@code cluster}; then {@code TEMPORAL_*}; then the flags.
   */
  public ResolvedCluster single(
      String cluster, String defaultAddress, String addressFlag, String namespaceFlag) {
    String profileName = env.getOrDefault(PROFILE, "").isBlank() ? cluster : env.get(PROFILE);
    if (!profileName.equals(cluster) && !profiles.containsKey(profileName)) {
      throw ConfigException.invalid(
          PROFILE,
          profileName,
          "no such profile in "
              + (file == null ? "the Temporal config file (there is none)" : file));
    }
    Draft draft = Draft.from(cluster, profileName, profiles.get(profileName), file, defaultAddress);
    for (String name : OVERRIDES) {
      String value = env.get(name);
      if (value != null) {
        draft.set(name, value, name);
      }
    }
    draft.flag("--address", addressFlag, "TEMPORAL_ADDRESS");
    draft.flag("--namespace", namespaceFlag, "TEMPORAL_NAMESPACE");
    return draft.resolve();
  }

  /**
   * One of the two clusters of a process that talks to two: its profile, then the flags. {@code
   * TEMPORAL_*} overrides are refused here (see the class comment).
   */
  public ResolvedCluster oneOfTwo(
      String cluster,
      String defaultAddress,
      String addressFlag,
      String namespaceFlag,
      String flagPrefix) {
    for (String name : TWO_CLUSTER_REFUSED) {
      if (env.containsKey(name)) {
        throw new ConfigException(
            name
                + " is set, but this process connects to two clusters and cannot tell which one it means;"
                + " set it in the cluster's profile ([profile."
                + cluster
                + "] in "
                + (file == null ? "the file named by " + CONFIG_FILE : file)
                + ") or use the --source-* / --target-* flags");
      }
    }
    Draft draft = Draft.from(cluster, cluster, profiles.get(cluster), file, defaultAddress);
    draft.flag(flagPrefix + "-address", addressFlag, "TEMPORAL_ADDRESS");
    draft.flag(flagPrefix + "-namespace", namespaceFlag, "TEMPORAL_NAMESPACE");
    return draft.resolve();
  }

  /** A cluster's endpoint and, for the start-up log, where its settings came from. */
  public record ResolvedCluster(ClusterEndpoint endpoint, String origin) {}

  private static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** The settings of one cluster as they are layered, each remembering which setting gave it. */
  private static final class Draft {
    private final String cluster;
    private final Map<String, String[]> values = new java.util.LinkedHashMap<>();
    private String origin;

    private Draft(String cluster) {
      this.cluster = cluster;
    }

    static Draft from(
        String cluster,
        String profileName,
        ClientConfigProfile profile,
        String file,
        String defaultAddress) {
      Draft draft = new Draft(cluster);
      draft.values.put("TEMPORAL_ADDRESS", new String[] {defaultAddress, "the built-in default"});
      draft.values.put("TEMPORAL_NAMESPACE", new String[] {"default", "the built-in default"});
      if (profile == null) {
        draft.origin =
            "built-in defaults (no profile "
                + profileName
                + (file == null ? "" : " in " + file)
                + ")";
        return draft;
      }
      draft.origin = "profile " + profileName + " in " + file;
      String where = "[profile." + profileName + "] of " + file;
      if (profile.getApiKey() != null && !profile.getApiKey().isEmpty()) {
        throw new ConfigException(
            "api_key in "
                + where
                + " is not supported yet; use mTLS (tls.client_cert_path, tls.client_key_path)");
      }
      draft.setIfPresent("TEMPORAL_ADDRESS", profile.getAddress(), "address in " + where);
      draft.setIfPresent("TEMPORAL_NAMESPACE", profile.getNamespace(), "namespace in " + where);
      ClientConfigTLS tls = profile.getTls();
      if (tls != null) {
        if (tls.getClientCertData() != null
            || tls.getClientKeyData() != null
            || tls.getServerCACertData() != null) {
          throw new ConfigException(
              "tls.*_data in "
                  + where
                  + " is not supported; mount the PEM files and use the *_path settings");
        }
        draft.setIfPresent(
            "TEMPORAL_TLS",
            tls.isDisabled() == null ? "true" : String.valueOf(!tls.isDisabled()),
            "tls in " + where);
        draft.setIfPresent(
            "TEMPORAL_TLS_CLIENT_CERT_PATH",
            tls.getClientCertPath(),
            "tls.client_cert_path in " + where);
        draft.setIfPresent(
            "TEMPORAL_TLS_CLIENT_KEY_PATH",
            tls.getClientKeyPath(),
            "tls.client_key_path in " + where);
        draft.setIfPresent(
            "TEMPORAL_TLS_SERVER_CA_CERT_PATH",
            tls.getServerCACertPath(),
            "tls.server_ca_cert_path in " + where);
        draft.setIfPresent(
            "TEMPORAL_TLS_SERVER_NAME", tls.getServerName(), "tls.server_name in " + where);
        if (tls.isDisableHostVerification() != null) {
          draft.set(
              "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION",
              tls.isDisableHostVerification().toString(),
              "tls.disable_host_verification in " + where);
        }
        if (tls.isDisabled() != null && tls.isDisabled()) {
          draft.values.put("TEMPORAL_TLS", new String[] {"false", "tls.disabled in " + where});
        }
      }
      return draft;
    }

    void setIfPresent(String key, String value, String setting) {
      if (value != null && !value.isEmpty()) {
        set(key, value, setting);
      }
    }

    void set(String key, String value, String setting) {
      values.put(key, new String[] {value, setting});
      if (setting.startsWith("TEMPORAL_") || setting.startsWith("--")) {
        origin = origin + ", " + setting;
      }
    }

    void flag(String flag, String value, String key) {
      if (value != null && value.isBlank()) {
        // an empty flag is a mistake (an unset variable in a script), not "use the profile"
        throw ConfigException.invalid(flag, value, "cluster " + cluster + ": must not be empty");
      }
      if (value != null) {
        set(key, value, flag);
      }
    }

    private String value(String key) {
      String[] entry = values.get(key);
      return entry == null ? null : entry[0];
    }

    private String setting(String key) {
      return values.get(key)[1];
    }

    private Path file(String key) {
      String path = value(key);
      if (path == null || path.isBlank()) {
        return null;
      }
      if (!Files.isReadable(Path.of(path))) {
        throw ConfigException.invalid(setting(key), path, "no such readable file");
      }
      return Path.of(path);
    }

    private boolean flagValue(String key) {
      String value = value(key);
      if (value == null) {
        return false;
      }
      if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
        throw ConfigException.invalid(setting(key), value, "must be true or false");
      }
      return Boolean.parseBoolean(value);
    }

    ResolvedCluster resolve() {
      String address = value("TEMPORAL_ADDRESS");
      if (!address.matches("[^:\\s/]+:\\d{1,5}")) {
        throw ConfigException.invalid(
            setting("TEMPORAL_ADDRESS"),
            address,
            "cluster " + cluster + ": not of the form host:port");
      }
      int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
      if (port < 1 || port > 65_535) {
        throw ConfigException.invalid(
            setting("TEMPORAL_ADDRESS"),
            address,
            "cluster " + cluster + ": port out of range 1-65535");
      }
      String namespace = value("TEMPORAL_NAMESPACE");
      if (namespace.isBlank()) {
        throw ConfigException.invalid(
            setting("TEMPORAL_NAMESPACE"),
            namespace,
            "cluster " + cluster + ": namespace must not be blank");
      }
      if (flagValue("TEMPORAL_TLS_DISABLE_HOST_VERIFICATION")) {
        throw ConfigException.invalid(
            setting("TEMPORAL_TLS_DISABLE_HOST_VERIFICATION"),
            "true",
            "cluster "
                + cluster
                + ": not supported, it would trust any certificate; set the server CA (server_ca_cert_path)"
                + " and, when the certificate names another host, server_name");
      }
      String serverName = value("TEMPORAL_TLS_SERVER_NAME");
      boolean tlsAsked =
          values.containsKey("TEMPORAL_TLS")
              ? flagValue("TEMPORAL_TLS")
              : Stream.of(
                      "TEMPORAL_TLS_SERVER_CA_CERT_PATH",
                      "TEMPORAL_TLS_CLIENT_CERT_PATH",
                      "TEMPORAL_TLS_CLIENT_KEY_PATH",
                      "TEMPORAL_TLS_SERVER_NAME")
                  .anyMatch(k -> value(k) != null && !value(k).isBlank());
      ClusterTls tls = null;
      if (tlsAsked) {
        Path ca = file("TEMPORAL_TLS_SERVER_CA_CERT_PATH");
        Path cert = file("TEMPORAL_TLS_CLIENT_CERT_PATH");
        Path key = file("TEMPORAL_TLS_CLIENT_KEY_PATH");
        if ((cert == null) != (key == null)) {
          String missing =
              cert == null ? "TEMPORAL_TLS_CLIENT_CERT_PATH" : "TEMPORAL_TLS_CLIENT_KEY_PATH";
          String given =
              cert == null ? "TEMPORAL_TLS_CLIENT_KEY_PATH" : "TEMPORAL_TLS_CLIENT_CERT_PATH";
          throw ConfigException.invalid(
              setting(given),
              value(given),
              "cluster "
                  + cluster
                  + ": mTLS needs both a client certificate and its key; "
                  + missing
                  + " (or its profile setting) is missing");
        }
        tls =
            new ClusterTls(
                ca, cert, key, serverName == null || serverName.isBlank() ? null : serverName);
      }
      ClusterEndpoint endpoint = new ClusterEndpoint(cluster, address, namespace, tls);
      try {
        ClusterConnection.checkTls(endpoint);
      } catch (IllegalArgumentException unusable) {
        String key =
            value("TEMPORAL_TLS_CLIENT_KEY_PATH") != null
                ? "TEMPORAL_TLS_CLIENT_KEY_PATH"
                : "TEMPORAL_TLS_SERVER_CA_CERT_PATH";
        throw ConfigException.invalid(setting(key), value(key), unusable.getMessage());
      }
      return new ResolvedCluster(endpoint, origin);
    }
  }
}
