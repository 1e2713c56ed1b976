package io.xcluster.localstack.stack;

import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.testkit.process.PortTakenAtStartException;
import io.xcluster.testkit.process.SupervisedProcess;
import io.xcluster.testkit.tools.ToolBinary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Temporal server — the CLI's {@code temporal server start-dev} (server v1.29.1 inside) — as
 * one independent cluster: its own SQLite file, frontend on a loopback port, no UI, no call home.
 * Stopping and starting it again keeps its ports and its database, as a restarted production
 * cluster would.
 */
public final class TemporalDevServer extends SupervisedServer {

  private static final Logger log = LoggerFactory.getLogger(TemporalDevServer.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final int PORT_ATTEMPTS = 3;

  private final ClusterEndpoint endpoint;

  /**
   * Dynamic config that removes start-dev's benchmark artefact (issue 16): its single history
   * shard's transfer-queue reader is rate-limited to 20 loads per second, so back-to-back workflows
   * wait ~50 ms per transfer task; and eager activity execution, which the Java SDK requests, is
   * off. {@value #EXTRA_CONFIG_SETTING} replaces these (e.g. to measure the artefact itself).
   */
  static final List<String> DEFAULT_EXTRA_CONFIG =
      List.of(
          "history.transferProcessorMaxPollRPS=10000",
          "history.timerProcessorMaxPollRPS=10000",
          "system.enableActivityEagerExecution=true");

  /** Semicolon-separated {@code key=value} dynamic config for every start-dev server. */
  public static final String EXTRA_CONFIG_SETTING = "XCLUSTER_DEV_SERVER_CONFIG";

  private TemporalDevServer(
      ClusterEndpoint endpoint, String metricsAddress, SupervisedProcess process) {
    super(process, metricsAddress);
    this.endpoint = endpoint;
  }

  /**
   * Starts cluster {@code name} with its database and log in {@code workDir}; {@code port} 0 picks
   * a free frontend port.
   */
  public static TemporalDevServer start(String name, int port, Path workDir) {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(name, port, workDir);
      } catch (PortTakenAtStartException taken) {
        // the server picks its internal ports itself, from the kernel's ephemeral range, where
        // an outgoing connection may take one first: fresh ports fix that, a fixed port would not
        if (port != 0 || attempt == PORT_ATTEMPTS) {
          throw taken;
        }
        log.warn(
            "{}; starting it again on fresh ports (attempt {})", taken.getMessage(), attempt + 1);
      }
    }
  }

  private static TemporalDevServer startOnce(String name, int port, Path workDir) {
    Path binary = ToolBinary.TEMPORAL_CLI.require();
    int frontend = port == 0 ? LoopbackPorts.free() : port;
    if (port != 0 && LoopbackPorts.accepting(port)) {
      // else the health check would happily talk to whatever already listens there
      throw new IllegalStateException(
          "127.0.0.1:"
              + port
              + " is already in use (another Temporal server?): stop it, or pick"
              + " another port (0 = any free port) for the "
              + name
              + " cluster");
    }
    ClusterEndpoint endpoint = ClusterEndpoint.loopback(name, frontend);
    int metrics = LoopbackPorts.free();
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "server",
                "start-dev",
                "--ip",
                "127.0.0.1",
                "--port",
                Integer.toString(frontend),
                "--http-port",
                Integer.toString(LoopbackPorts.free()),
                "--metrics-port",
                Integer.toString(metrics),
                "--headless",
                "--db-filename",
                workDir.resolve(name + ".db").toAbsolutePath().toString(),
                "--namespace",
                endpoint.namespace(),
                "--log-level",
                "warn",
                "--dynamic-config-value",
                "frontend.enableServerVersionCheck=false",
                // completion callbacks (the bridge's callback mode) may reach bridges on loopback
                // only
                "--dynamic-config-value",
                "component.callbacks.allowedAddresses=[{\"Pattern\":\"127.0.0.1:*\",\"AllowInsecure\":true}]",
                // a callback that failed (no bridge up, an endpoint answering 500) is retried
                // within 10 s of its recovery, not up to an hour later (the server's default cap)
                "--dynamic-config-value",
                "component.callbacks.retryPolicy.maxInterval=\"10s\"",
                // after five failed callbacks in a row (a bridge down, a partition) the server
                // stops calling that address for this long before it tries one (default: 60 s,
                // which a partition's healing then waits out)
                "--dynamic-config-value",
                "history.outboundQueue.circuitBreakerSettings={\"Timeout\":\"5s\"}",
                "--sqlite-pragma",
                "journal_mode=wal",
                "--sqlite-pragma",
                "synchronous=normal"));
    for (String setting : extraConfig()) {
      command.add("--dynamic-config-value");
      command.add(setting);
    }
    SupervisedProcess process =
        SupervisedProcess.start(
            name + " Temporal server on " + endpoint.address(),
            command,
            Map.of("TEMPORAL_VERSION_CHECK_DISABLED", "1"),
            workDir.resolve(name + "-temporal.log"),
            started -> answers(endpoint),
            START_TIMEOUT);
    return new TemporalDevServer(endpoint, "127.0.0.1:" + metrics, process);
  }

  /** {@value #EXTRA_CONFIG_SETTING} if set (empty: none), else {@link #DEFAULT_EXTRA_CONFIG}. */
  static List<String> extraConfig() {
    return extraConfig(System.getenv(EXTRA_CONFIG_SETTING));
  }

  static List<String> extraConfig(String configured) {
    if (configured == null) {
      return DEFAULT_EXTRA_CONFIG;
    }
    List<String> settings = new ArrayList<>();
    for (String setting : configured.split(";")) {
      String trimmed = setting.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!trimmed.matches("[A-Za-z0-9_.]+=.+")) {
        throw new IllegalArgumentException(
            EXTRA_CONFIG_SETTING
                + ": '"
                + trimmed
                + "' is not key=value (e.g. history.transferProcessorMaxPollRPS=20)");
      }
      settings.add(trimmed);
    }
    return settings;
  }

  /** Ready means: the frontend accepts connections and describes the namespace. */
  private static boolean answers(ClusterEndpoint endpoint) {
    return FrontendProbe.answers(
        endpoint.address(),
        frontend -> {
          frontend.describeNamespace(
              DescribeNamespaceRequest.newBuilder().setNamespace(endpoint.namespace()).build());
          return true;
        });
  }

  public ClusterEndpoint endpoint() {
    return endpoint;
  }

  public String address() {
    return endpoint.address();
  }
}
