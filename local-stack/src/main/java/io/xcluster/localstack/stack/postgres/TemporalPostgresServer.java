package io.xcluster.localstack.stack.postgres;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc.WorkflowServiceBlockingStub;
import io.xcluster.localstack.stack.SupervisedServer;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.cluster.ClusterTls;
import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.testkit.process.PortTakenAtStartException;
import io.xcluster.testkit.process.SupervisedProcess;
import io.xcluster.testkit.tls.TestCertificates;
import io.xcluster.testkit.tools.ToolBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cluster of the production-like stack: a full Temporal server (v1.29.1, all four services in
 * one process) on PostgreSQL — a database and a visibility database of its own — {@value
 * #HISTORY_SHARDS} history shards, and a frontend that speaks mutual TLS only (clients must present
 * a certificate signed by the stack's CA). Every port is on loopback and stays the same across
 * {@link #stop()} / {@link #startAgain()}, as a restarted production cluster's would. Its namespace
 * is registered on first start; it is ready once that namespace serves requests.
 */
public final class TemporalPostgresServer extends SupervisedServer {

  /**
   * Several shards, so no single shard's task-queue readers (rate-limited per shard) bound the
   * cluster.
   */
  public static final int HISTORY_SHARDS = 4;

  public static final String NAMESPACE = "default";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Logger log = LoggerFactory.getLogger(TemporalPostgresServer.class);

  private final ClusterEndpoint endpoint;

  private TemporalPostgresServer(
      ClusterEndpoint endpoint, String metricsAddress, SupervisedProcess process) {
    super(process, metricsAddress);
    this.endpoint = endpoint;
  }

  /**
   * Creates cluster {@code name}'s databases in {@code postgres} and starts its server with the
   * configuration and log under {@code workDir}; {@code port} 0 picks a free frontend port.
   */
  static TemporalPostgresServer start(
      String name,
      int port,
      LocalPostgres postgres,
      TemporalSchemaTool schema,
      TestCertificates pki,
      Path workDir) {
    Path binary = ToolBinary.TEMPORAL_SERVER.require();
    if (port != 0 && LoopbackPorts.accepting(port)) {
      throw new IllegalStateException(
          "127.0.0.1:"
              + port
              + " is already in use (another Temporal server?): stop it, or pick"
              + " another port (0 = any free port) for the "
              + name
              + " cluster");
    }
    String database = name.replace('-', '_');
    schema.createCluster(database, database + "_visibility");
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(binary, name, port, database, postgres, pki, workDir);
      } catch (PortTakenAtStartException taken) {
        // the server's membership ports come from the kernel's ephemeral range, where an
        // outgoing connection may take one first: fresh ports fix that, a fixed port would not
        if (port != 0 || attempt == PORT_ATTEMPTS) {
          throw taken;
        }
        log.warn(
            "{}; starting it again on fresh ports (attempt {})", taken.getMessage(), attempt + 1);
      }
    }
  }

  private static final int PORT_ATTEMPTS = 3;

  private static TemporalPostgresServer startOnce(
      Path binary,
      String name,
      int port,
      String database,
      LocalPostgres postgres,
      TestCertificates pki,
      Path workDir) {
    int frontend = port == 0 ? LoopbackPorts.free() : port;
    int metrics = LoopbackPorts.free();
    Path root = workDir.resolve(name + "-server").toAbsolutePath();
    try {
      Files.createDirectories(root.resolve("config"));
      Path dynamicConfig = root.resolve("dynamicconfig.yaml");
      Files.writeString(dynamicConfig, DYNAMIC_CONFIG);
      Files.writeString(
          root.resolve("config").resolve(name + ".yaml"),
          ServerConfig.yaml(
              name, database, postgres.address(), frontend, metrics, pki, dynamicConfig));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the configuration of cluster " + name + " under " + root, e);
    }
    ClusterEndpoint endpoint =
        new ClusterEndpoint(
            name,
            "127.0.0.1:" + frontend,
            NAMESPACE,
            new ClusterTls(
                pki.caCert().toAbsolutePath(),
                pki.clientCert().toAbsolutePath(),
                pki.clientKey().toAbsolutePath(),
                null));
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
            name + " Temporal server (PostgreSQL, mTLS) on " + endpoint.address(),
            command,
            Map.of("TEMPORAL_VERSION_CHECK_DISABLED", "1"),
            workDir.resolve(name + "-temporal.log"),
            started -> namespaceServes(endpoint),
            START_TIMEOUT);
    return new TemporalPostgresServer(endpoint, "127.0.0.1:" + metrics, process);
  }

  /**
   * Dynamic config: no call home; the namespace registry refreshed every second (default 10 s), so
   * a namespace registered at start-up serves at once; completion callbacks to any loopback address
   * (the bridge's callback endpoint), a failed one retried at least every 10 s (default: backing
   * off to an hour), and a callback destination that stopped answering is tried again 5 s after the
   * outbound queue's circuit breaker opened (default: 60 s). The queue readers' rate limits are per
   * shard (20 loads per second by default), sized for clusters of hundreds of shards: with {@value
   * #HISTORY_SHARDS} they would cap the cluster at 80 transfer-task loads per second, so they are
   * raised to what 512 shards would allow in all. Eager activity execution on, as the Java SDK asks
   * for it.
   */
  private static final String DYNAMIC_CONFIG =
      """
      frontend.enableServerVersionCheck:
        - value: false
      system.namespaceCacheRefreshInterval:
        - value: 1s
      component.callbacks.allowedAddresses:
        - value:
            - Pattern: "*"
              AllowInsecure: true
      component.callbacks.retryPolicy.maxInterval:
        - value: 10s
      history.outboundQueue.circuitBreakerSettings:
        - value:
            Timeout: 5s
      history.transferProcessorMaxPollRPS:
        - value: 2560
      history.timerProcessorMaxPollRPS:
        - value: 2560
      history.visibilityProcessorMaxPollRPS:
        - value: 2560
      history.outboundProcessorMaxPollRPS:
        - value: 2560
      system.enableActivityEagerExecution:
        - value: true
      """;

  /**
   * Ready means: the frontend accepts our client certificate and the namespace answers a visibility
   * query.
   */
  private static boolean namespaceServes(ClusterEndpoint endpoint) {
    if (!LoopbackPorts.accepting(
        Integer.parseInt(endpoint.address().substring(endpoint.address().indexOf(':') + 1)))) {
      return false;
    }
    ClusterConnection connection = ClusterConnection.open(endpoint, Duration.ofSeconds(2));
    try {
      WorkflowServiceBlockingStub frontend =
          connection
              .client()
              .getWorkflowServiceStubs()
              .blockingStub()
              .withDeadlineAfter(5, TimeUnit.SECONDS);
      registerOnce(frontend, endpoint.namespace());
      frontend.listWorkflowExecutions(
          ListWorkflowExecutionsRequest.newBuilder()
              .setNamespace(endpoint.namespace())
              .setPageSize(1)
              .build());
      return true;
    } finally {
      connection.closeNow();
    }
  }

  private static void registerOnce(WorkflowServiceBlockingStub frontend, String namespace) {
    try {
      frontend.describeNamespace(
          DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
      try {
        frontend.registerNamespace(
            RegisterNamespaceRequest.newBuilder()
                .setNamespace(namespace)
                .setWorkflowExecutionRetentionPeriod(
                    com.google.protobuf.Duration.newBuilder()
                        .setSeconds(Duration.ofDays(1).toSeconds()))
                .build());
      } catch (StatusRuntimeException raced) {
        if (raced.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
          throw raced;
        }
      }
    }
  }

  /** The frontend, with the TLS files a client of the stack presents. */
  public ClusterEndpoint endpoint() {
    return endpoint;
  }

  public String address() {
    return endpoint.address();
  }
}
