package io.xcluster.transport.nats;

import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.cluster.ClusterUnreachableException;
import io.xcluster.tracing.ServiceTracing;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs one NATS coordinator process — the calling side, the target side, or both — until SIGTERM / Ctrl-C. */
@Command(
    name = "nats-coordinator",
    mixinStandardHelpOptions = true,
    description = "Carries cross-cluster calls over JetStream: publishes calls from the calling cluster's queue,"
        + " runs them as workflows on the target cluster, and signals the outcomes back.")
public final class NatsCoordinatorMain implements Callable<Integer> {

  static final int EXIT_UNREACHABLE = 2;
  /** The service name in traces (OTEL_TRACES_EXPORTER=otlp turns tracing on). */
  public static final String SERVICE_NAME = "nats-coordinator";

  @Option(names = "--side", defaultValue = "both", converter = SideConverter.class,
      description = "calling (next to the calling cluster), target (next to the target cluster) or both (default: ${DEFAULT-VALUE}).")
  NatsCoordinator.Side side;

  @Option(names = "--nats-url", defaultValue = "${env:XCLUSTER_NATS_URL:-nats://127.0.0.1:4222}",
      description = "NATS server with JetStream (env XCLUSTER_NATS_URL, default: ${DEFAULT-VALUE}).")
  String natsUrl;

  @Option(names = "--source-cluster", defaultValue = "us-east", description = "Name of the calling cluster (default: ${DEFAULT-VALUE}).")
  String sourceCluster;

  @Option(names = "--source-address", defaultValue = "${env:XCLUSTER_SOURCE_ADDRESS:-127.0.0.1:7233}",
      description = "Frontend host:port of the calling cluster (env XCLUSTER_SOURCE_ADDRESS, default: ${DEFAULT-VALUE}).")
  String sourceAddress;

  @Option(names = "--source-namespace", defaultValue = "default", description = "Namespace of the calling workflows (default: ${DEFAULT-VALUE}).")
  String sourceNamespace;

  @Option(names = "--target-cluster", defaultValue = "eu-west", description = "Name of the target cluster (default: ${DEFAULT-VALUE}).")
  String targetCluster;

  @Option(names = "--target-address", defaultValue = "${env:XCLUSTER_TARGET_ADDRESS:-127.0.0.1:7234}",
      description = "Frontend host:port of the target cluster (env XCLUSTER_TARGET_ADDRESS, default: ${DEFAULT-VALUE}).")
  String targetAddress;

  @Option(names = "--target-namespace", defaultValue = "default", description = "Namespace of the remote workflows (default: ${DEFAULT-VALUE}).")
  String targetNamespace;

  @Option(names = "--allow-workflow-type", split = ",",
      description = "Remote workflow types the relay may start, comma-separated (default: any).")
  Set<String> allowedWorkflowTypes;

  @Option(names = "--duplicate-window", defaultValue = "PT2M",
      description = "JetStream de-duplication window of the call streams, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration duplicateWindow;

  @Option(names = "--connect-timeout", defaultValue = "PT10S", description = "How long to try each cluster at start-up, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  private final CountDownLatch stopped = new CountDownLatch(1);

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return new CommandLine(new NatsCoordinatorMain()).execute(args);
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = new PrintWriter(System.err, true);
    NatsSettings settings;
    ClusterEndpoint source;
    ClusterEndpoint target;
    try {
      settings = NatsSettings.defaults(natsUrl).withDuplicateWindow(duplicateWindow).allowing(allowedWorkflowTypes);
      source = new ClusterEndpoint(sourceCluster, sourceAddress, sourceNamespace);
      target = new ClusterEndpoint(targetCluster, targetAddress, targetNamespace);
    } catch (IllegalArgumentException invalid) {
      err.println("nats-coordinator: " + invalid.getMessage());
      return CommandLine.ExitCode.USAGE;
    }
    NatsCoordinator coordinator;
    try {
      coordinator = NatsCoordinator.start(settings, source, target, side, ServiceTracing.fromEnvironment(SERVICE_NAME), connectTimeout);
    } catch (ClusterUnreachableException | IllegalStateException unreachable) {
      err.println("nats-coordinator: " + unreachable.getMessage());
      return EXIT_UNREACHABLE;
    }
    LoggerFactory.getLogger(NatsCoordinatorMain.class).info("nats coordinator up: side {}, {} -> {} via {}",
        side.name().toLowerCase(), source.address(), target.address(), settings.url());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      coordinator.close();
      stopped.countDown();
    }, "nats-coordinator-shutdown"));
    stopped.await();
    return CommandLine.ExitCode.OK;
  }

  /** Accepts calling / target / both in any case, with one clear error otherwise. */
  static final class SideConverter implements CommandLine.ITypeConverter<NatsCoordinator.Side> {
    @Override
    public NatsCoordinator.Side convert(String value) {
      for (NatsCoordinator.Side candidate : NatsCoordinator.Side.values()) {
        if (candidate.name().equalsIgnoreCase(value)) {
          return candidate;
        }
      }
      throw new CommandLine.TypeConversionException("'" + value + "' is not a side; use calling, target or both");
    }
  }
}
