package io.xcluster.localstack.stack;

import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentWorkflow;
import io.xcluster.localstack.process.JvmProbe;
import io.xcluster.testkit.process.SupervisedProcess;
import io.xcluster.port.cluster.ClusterEndpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A transport in a JVM of its own — the bridge ({@code BridgeWorkerMain}) or the NATS coordinator
 * ({@code NatsCoordinatorMain}) — as it runs in production: a separate process that can be
 * SIGKILLed and started again, and whose threads and heap are measured apart from everything else.
 */
public final class TransportProcess implements AutoCloseable {

  private final SupervisedProcess process;

  private TransportProcess(SupervisedProcess process) {
    this.process = process;
  }

  /** A bridge process polling {@code taskQueue} on {@code source}, starting calls on {@code target}. */
  public static TransportProcess bridge(ClusterEndpoint source, ClusterEndpoint target, String taskQueue, Path workDir) {
    return start("bridge", "io.xcluster.transport.bridge.BridgeWorkerMain", "bridge polling", workDir,
        "--source-cluster", source.name(), "--source-address", source.address(), "--source-namespace", source.namespace(),
        "--target-cluster", target.name(), "--target-address", target.address(), "--target-namespace", target.namespace(),
        "--task-queue", taskQueue, "--http-port", "0");
  }

  /** A NATS coordinator process running both sides between {@code source} and {@code target}. */
  public static TransportProcess natsCoordinator(ClusterEndpoint source, ClusterEndpoint target, String natsUrl, Path workDir, String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("--nats-url", natsUrl,
        "--source-cluster", source.name(), "--source-address", source.address(), "--source-namespace", source.namespace(),
        "--target-cluster", target.name(), "--target-address", target.address(), "--target-namespace", target.namespace(),
        // as in the in-process stack: the relay starts fulfillments and nothing else
        "--allow-workflow-type", FulfillmentWorkflow.TYPE, "--http-port", "0"));
    args.addAll(List.of(extraArgs));
    return start("nats-coordinator", "io.xcluster.transport.nats.NatsCoordinatorMain", "nats coordinator up", workDir, args.toArray(String[]::new));
  }

  private static TransportProcess start(String name, String mainClass, String readyLine, Path workDir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    // an empty profile file: a developer's ~/.config/temporalio/temporal.toml must not add TLS or keys here
    Path noProfiles = workDir.resolve("no-temporal-profiles.toml");
    try {
      java.nio.file.Files.writeString(noProfiles, "# the transport processes of the stack take their clusters from flags\n");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    SupervisedProcess process =
        SupervisedProcess.start(name + " process", command, Map.of("XCLUSTER_LOG_LEVEL", "INFO", "TEMPORAL_CONFIG_FILE", noProfiles.toString()),
            workDir.resolve(name + ".log"),
            started -> started.logSinceStart().contains(readyLine), Duration.ofSeconds(60));
    return new TransportProcess(process);
  }

  /** SIGKILL: no draining, no goodbye. */
  public void kill() {
    process.kill();
  }

  /** Starts the same process again (after {@link #kill()}) and waits until it is up. */
  public void startAgain() {
    process.startAgain();
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return process.logFile();
  }

  public int liveThreads() throws IOException {
    return JvmProbe.liveThreads(pid());
  }

  public long cpuTicks() throws IOException {
    return JvmProbe.cpuTicks(pid());
  }

  public long heapAfterGcBytes() throws IOException, InterruptedException {
    return JvmProbe.heapAfterGcBytes(pid());
  }

  @Override
  public void close() {
    process.stop();
  }
}
