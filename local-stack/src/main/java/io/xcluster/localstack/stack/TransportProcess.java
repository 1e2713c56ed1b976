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
    ProcessLaunch command =
        launcher.asProcess(launch).withArguments(moreArgs.toArray(String[]::new));
    List<String> commandLine = new ArrayList<>();
    commandLine.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    commandLine.addAll(List.of("-cp", System.getProperty("java.class.path"), command.mainClass()));
    commandLine.addAll(command.args());
    // The process finds its clusters' TLS files through a profile per cluster, as a deployed one
    // does; written here, so a developer's ~/.config/temporalio/temporal.toml adds nothing.
    Path profiles = workDir.resolve("transport-" + launcher.name() + "-temporal-profiles.toml");
    try {
      TemporalProfileFile.write(profiles, launch.source(), launch.target());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + profiles, e);
    }
    SupervisedProcess process =
        SupervisedProcess.start(
            launcher.name() + " transport process",
            commandLine,
            Map.of("XCLUSTER_LOG_LEVEL", "INFO", "TEMPORAL_CONFIG_FILE", profiles.toString()),
            workDir.resolve("transport-" + launcher.name() + ".log"),
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
