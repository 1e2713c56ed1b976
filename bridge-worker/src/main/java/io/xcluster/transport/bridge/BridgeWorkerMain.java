package io.xcluster.transport.bridge;

import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.cluster.ClusterUnreachableException;
import io.xcluster.tracing.ServiceTracing;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs one bridge process until SIGTERM / Ctrl-C. */
@Command(
    name = "bridge-worker",
    mixinStandardHelpOptions = true,
    description = "Polls the calling cluster's bridge queue and runs the calls as workflows on the target cluster.")
public final class BridgeWorkerMain implements Callable<Integer> {

  static final int EXIT_UNREACHABLE = 2;
  /** The service name in traces (OTEL_TRACES_EXPORTER=otlp turns tracing on). */
  public static final String SERVICE_NAME = "bridge-worker";

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

  @Option(names = "--task-queue", description = "Task queue to poll in the calling cluster (default: bridge-to-<target-cluster>).")
  String taskQueue;

  @Option(names = "--connect-timeout", defaultValue = "PT10S", description = "How long to try each cluster at start-up, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  private final CountDownLatch stopped = new CountDownLatch(1);

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return new CommandLine(new BridgeWorkerMain()).execute(args);
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = new PrintWriter(System.err, true);
    BridgeSettings settings;
    try {
      settings =
          new BridgeSettings(
              new ClusterEndpoint(sourceCluster, sourceAddress, sourceNamespace),
              new ClusterEndpoint(targetCluster, targetAddress, targetNamespace),
              taskQueue,
              null,
              connectTimeout);
    } catch (IllegalArgumentException invalid) {
      err.println("bridge-worker: " + invalid.getMessage());
      return CommandLine.ExitCode.USAGE;
    }
    BridgeWorker bridge;
    try {
      bridge = BridgeWorker.start(settings, ServiceTracing.fromEnvironment(SERVICE_NAME));
    } catch (ClusterUnreachableException unreachable) {
      err.println("bridge-worker: " + unreachable.getMessage());
      return EXIT_UNREACHABLE;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      bridge.close();
      stopped.countDown();
    }, "bridge-shutdown"));
    stopped.await();
    return CommandLine.ExitCode.OK;
  }
}
