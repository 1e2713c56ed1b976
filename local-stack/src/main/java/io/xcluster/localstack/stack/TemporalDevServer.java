package io.xcluster.localstack.stack;

import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.testkit.process.SupervisedProcess;
import io.xcluster.testkit.tools.ToolBinary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Temporal server — the CLI's {@code temporal server start-dev} (server v1.29.1 inside) — as
 * one independent cluster: its own SQLite file, frontend on a loopback port, no UI, no call home.
 * Stopping and starting it again keeps its ports and its database, as a restarted production
 * cluster would.
 */
public final class TemporalDevServer extends SupervisedServer {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final ClusterEndpoint endpoint;

  private TemporalDevServer(ClusterEndpoint endpoint, SupervisedProcess process) {
    super(process);
    this.endpoint = endpoint;
  }

  /**
   * Starts cluster {@code name} with its database and log in {@code workDir}; {@code port} 0 picks
   * a free frontend port.
   */
  public static TemporalDevServer start(String name, int port, Path workDir) {
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
    List<String> command =
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
            Integer.toString(LoopbackPorts.free()),
            "--headless",
            "--db-filename",
            workDir.resolve(name + ".db").toAbsolutePath().toString(),
            "--namespace",
            endpoint.namespace(),
            "--log-level",
            "warn",
            "--dynamic-config-value",
            "frontend.enableServerVersionCheck=false",
            // completion callbacks (the bridge's callback mode) may reach bridges on loopback only
            "--dynamic-config-value",
            "component.callbacks.allowedAddresses=[{\"Pattern\":\"127.0.0.1:*\",\"AllowInsecure\":true}]",
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=normal");
    SupervisedProcess process =
        SupervisedProcess.start(
            name + " Temporal server on " + endpoint.address(),
            command,
            Map.of("TEMPORAL_VERSION_CHECK_DISABLED", "1"),
            workDir.resolve(name + "-temporal.log"),
            started -> answers(endpoint),
            START_TIMEOUT);
    return new TemporalDevServer(endpoint, process);
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
