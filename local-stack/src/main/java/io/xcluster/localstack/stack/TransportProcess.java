package io.xcluster.localstack.stack;

import io.xcluster.localstack.process.JvmProbe;
import io.xcluster.localstack.stack.postgres.TemporalProfileFile;
import io.xcluster.runtime.launch.ProcessLaunch;
import io.xcluster.runtime.launch.TransportLaunch;
import io.xcluster.runtime.launch.TransportLauncher;
import io.xcluster.testkit.process.SupervisedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A transport in a JVM of its own, as its launcher says to run it — as it runs in production: a
 * separate process that can be SIGKILLed and started again, and whose threads and heap are measured
 * apart from everything else.
 */
public final class TransportProcess implements AutoCloseable {

  private final SupervisedProcess process;

  private TransportProcess(SupervisedProcess process) {
    this.process = process;
  }

  /**
   * Starts {@code launcher}'s transport as {@code launch} says, logging to {@code
   * transport-<name>.log} in {@code workDir}.
   */
  public static TransportProcess start(
      TransportLauncher launcher, TransportLaunch launch, Path workDir) {
    return start(launcher, launch, List.of(), workDir);
  }

  /**
   * The same with {@code moreArgs} after the launcher's (a setting a drill or a benchmark needs).
   */
  public static TransportProcess start(
      TransportLauncher launcher, TransportLaunch launch, List<String> moreArgs, Path workDir) {
    return start(launcher, launch, moreArgs, workDir, 1);
  }

  /**
   * Replica {@code replica} (from 1) of the same transport beside the others, sharing their durable
   * consumers or task queues: its log and profile files are numbered apart from the first's.
   */
  public static TransportProcess start(
      TransportLauncher launcher,
      TransportLaunch launch,
      List<String> moreArgs,
      Path workDir,
      int replica) {
    if (replica < 1) {
      throw new IllegalArgumentException("transport replicas count from 1, was " + replica);
    }
    String name = launcher.name() + (replica == 1 ? "" : "-" + replica);
    ProcessLaunch command =
        launcher.asProcess(launch).withArguments(moreArgs.toArray(String[]::new));
    List<String> commandLine = new ArrayList<>();
    commandLine.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    commandLine.addAll(List.of("-cp", System.getProperty("java.class.path"), command.mainClass()));
    commandLine.addAll(command.args());
    // The process finds its clusters' TLS files through a profile per cluster, as a deployed one
    // does; written here, so a developer's ~/.config/temporalio/temporal.toml adds nothing.
    Path profiles = workDir.resolve("transport-" + name + "-temporal-profiles.toml");
    try {
      java.nio.file.Files.createDirectories(workDir);
      TemporalProfileFile.write(profiles, launch.source(), launch.target());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + profiles, e);
    }
    SupervisedProcess process =
        SupervisedProcess.start(
            name + " transport process",
            commandLine,
            Map.of("XCLUSTER_LOG_LEVEL", "INFO", "TEMPORAL_CONFIG_FILE", profiles.toString()),
            workDir.resolve("transport-" + name + ".log"),
            started -> started.logSinceStart().contains(command.readyLine()),
            Duration.ofSeconds(60));
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

  /**
   * The sum of every sample of {@code metric} (a Prometheus name, e.g. {@code xcluster_calls_held})
   * on the process's own /metrics, found through the health URL its log names; 0 when it has none.
   */
  public double metricSum(String metric) throws IOException, InterruptedException {
    java.util.regex.Matcher health =
        java.util.regex.Pattern.compile("health on (http://[0-9.:]+)/healthz")
            .matcher(java.nio.file.Files.readString(log()));
    if (!health.find()) {
      throw new IllegalStateException("no health URL in " + log() + " yet");
    }
    String body =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(health.group(1) + "/metrics"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    return body.lines()
        .filter(line -> line.startsWith(metric + "{") || line.startsWith(metric + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
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
