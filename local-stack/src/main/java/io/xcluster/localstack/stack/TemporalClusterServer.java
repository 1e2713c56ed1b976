package io.xcluster.localstack.stack;

import io.temporal.api.workflowservice.v1.GetClusterInfoRequest;
import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.testkit.process.PortTakenAtStartException;
import io.xcluster.testkit.process.SupervisedProcess;
import io.xcluster.testkit.tools.ToolBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full Temporal server (v1.29.1) configured for multi-cluster replication — what {@code
 * start-dev} cannot be: its own cluster name and initial failover version, global namespaces on,
 * SQLite files and every port on loopback, cluster metadata refreshed every 5 s so links show
 * quickly. Two of these, linked, are the replication tier's clusters.
 */
public final class TemporalClusterServer extends SupervisedServer {

  private static final Logger log = LoggerFactory.getLogger(TemporalClusterServer.class);

  /** Identical on every cluster of a replication group, or they refuse to link. */
  static final int FAILOVER_VERSION_INCREMENT = 100;

  private final String name;
  private final String address;

  private TemporalClusterServer(String name, String address, SupervisedProcess process) {
    super(process, null);
    this.name = name;
    this.address = address;
  }

  /**
   * Starts cluster {@code name} with its configuration, databases and log under {@code workDir}.
   *
   * @param initialFailoverVersion distinct per cluster, below {@value #FAILOVER_VERSION_INCREMENT}
   *     (1, 2, ...)
   */
  public static TemporalClusterServer start(String name, int initialFailoverVersion, Path workDir) {
    return start(name, initialFailoverVersion, workDir, 1);
  }

  /**
   * As {@link #start(String, int, Path)}, with {@code historyShards} history shards (replicating
   * clusters must have the same count, or one divisible by the other's).
   */
  public static TemporalClusterServer start(
      String name, int initialFailoverVersion, Path workDir, int historyShards) {
    if (historyShards < 1) {
      throw new IllegalArgumentException("historyShards must be at least 1, was " + historyShards);
    }
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(name, initialFailoverVersion, workDir, historyShards);
      } catch (PortTakenAtStartException taken) {
        // its ports are picked free but taken only at start-up, where an outgoing connection
        // may take one first: fresh ports fix that
        if (attempt == PORT_ATTEMPTS) {
          throw taken;
        }
        log.warn(
            "{}; starting it again on fresh ports (attempt {})", taken.getMessage(), attempt + 1);
      }
    }
  }

  private static final int PORT_ATTEMPTS = 3;

  private static TemporalClusterServer startOnce(
      String name, int initialFailoverVersion, Path workDir, int historyShards) {
    Path binary = ToolBinary.TEMPORAL_SERVER.require();
    int frontend = LoopbackPorts.free();
    int http = LoopbackPorts.free();
    String address = "127.0.0.1:" + frontend;
    Path root = workDir.resolve(name).toAbsolutePath();
    try {
      Files.createDirectories(root.resolve("config"));
      Path dynamicConfig = root.resolve("dynamicconfig.yaml");
      Files.writeString(
          dynamicConfig,
          """
          system.clusterMetadataRefreshInterval:
            - value: 5s
          frontend.enableServerVersionCheck:
            - value: false
          # completion callbacks (the bridge's callback mode) may reach bridges on loopback only,
          # and one that failed is retried within 10 s of its recovery
          component.callbacks.allowedAddresses:
            - value:
                - Pattern: "127.0.0.1:*"
                  AllowInsecure: true
          component.callbacks.retryPolicy.maxInterval:
            - value: 10s
          """);
      Files.writeString(
          root.resolve("config").resolve(name + ".yaml"),
          configYaml(
              name, initialFailoverVersion, root, frontend, http, dynamicConfig, historyShards));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the configuration of cluster " + name + " under " + root, e);
    }
    List<String> command =
        List.of(
            binary.toString(),
            "--root",
            root.toString(),
            "--config",
            "config",
            "--env",
            name,
            "--allow-no-auth",
            "start");
    SupervisedProcess process =
        SupervisedProcess.start(
            "Temporal cluster " + name + " on " + address,
            command,
            Map.of("TEMPORAL_VERSION_CHECK_DISABLED", "1"),
            workDir.resolve(name + "-server.log"),
            started -> answers(address, name),
            Duration.ofSeconds(90));
    return new TemporalClusterServer(name, address, process);
  }

  private static String configYaml(
      String name,
      int initialFailoverVersion,
      Path root,
      int frontend,
      int http,
      Path dynamicConfig,
      int historyShards) {
    String sqlite =
        "{pluginName: sqlite, databaseName: %s, connectAddr: localhost, connectProtocol: tcp,"
            + " connectAttributes: {cache: private, setup: true, journal_mode: wal, synchronous: 1},"
            + " maxConns: 1, maxIdleConns: 1, maxConnLifetime: 1h}";
    return """
        log: {stdout: true, level: warn}
        persistence:
          defaultStore: sqlite-default
          visibilityStore: sqlite-visibility
          numHistoryShards: %d
          datastores:
            sqlite-default:
              sql: %s
            sqlite-visibility:
              sql: %s
        global:
          membership: {maxJoinDuration: 30s, broadcastAddress: "127.0.0.1"}
        services:
          frontend: {rpc: {grpcPort: %d, membershipPort: %d, bindOnLocalHost: true, httpPort: %d}}
          history: {rpc: {grpcPort: %d, membershipPort: %d, bindOnLocalHost: true}}
          matching: {rpc: {grpcPort: %d, membershipPort: %d, bindOnLocalHost: true}}
          worker: {rpc: {grpcPort: %d, membershipPort: %d, bindOnLocalHost: true}}
        clusterMetadata:
          enableGlobalNamespace: true
          failoverVersionIncrement: %d
          masterClusterName: %s
          currentClusterName: %s
          clusterInformation:
            %s: {enabled: true, initialFailoverVersion: %d, rpcAddress: "127.0.0.1:%d", httpAddress: "127.0.0.1:%d"}
        # writes to a standby are refused (NamespaceNotActive), not forwarded: the drill measures when a cluster takes writes
        dcRedirectionPolicy: {policy: noop}
        archival: {history: {state: disabled}, visibility: {state: disabled}}
        namespaceDefaults: {archival: {history: {state: disabled}, visibility: {state: disabled}}}
        dynamicConfigClient: {filepath: %s, pollInterval: 10s}
        """
        .formatted(
            historyShards,
            sqlite.formatted(root.resolve(name + ".db")),
            sqlite.formatted(root.resolve(name + "-visibility.db")),
            frontend,
            LoopbackPorts.free(),
            http,
            LoopbackPorts.free(),
            LoopbackPorts.free(),
            LoopbackPorts.free(),
            LoopbackPorts.free(),
            LoopbackPorts.free(),
            LoopbackPorts.free(),
            FAILOVER_VERSION_INCREMENT,
            name,
            name,
            name,
            initialFailoverVersion,
            frontend,
            http,
            dynamicConfig);
  }

  /** Ready means: the frontend answers GetClusterInfo with this cluster's name. */
  private static boolean answers(String address, String name) {
    return FrontendProbe.answers(
        address,
        frontend ->
            name.equals(
                frontend
                    .getClusterInfo(GetClusterInfoRequest.getDefaultInstance())
                    .getClusterName()));
  }

  public String name() {
    return name;
  }

  /** Frontend host:port. */
  public String address() {
    return address;
  }
}
