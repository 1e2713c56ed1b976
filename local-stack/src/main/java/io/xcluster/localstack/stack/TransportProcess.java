package io.xcluster.localstack.stack;

import io.xcluster.localstack.process.JvmProbe;
import io.xcluster.runtime.launch.ProcessLaunch;
import io.xcluster.runtime.launch.TransportLaunch;
import io.xcluster.runtime.launch.TransportLauncher;
import io.xcluster.testkit.process.SupervisedProcess;
import java.io.IOException;
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
    return start(launcher.name(), launcher.asProcess(launch), workDir);
  }

  /**
   * Starts {@code command} (a launcher's, perhaps with arguments added) for the transport {@code
   * name}.
   */
  public static TransportProcess start(String name, ProcessLaunch command, Path workDir) {
    List<String> commandLine = new ArrayList<>();
    commandLine.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    commandLine.addAll(List.of("-cp", System.getProperty("java.class.path"), command.mainClass()));
    commandLine.addAll(command.args());
    // an empty profile file: a developer's ~/.config/temporalio/temporal.toml must not add TLS or
    // keys here
    Path noProfiles = workDir.resolve("no-temporal-profiles.toml");
    try {
      java.nio.file.Files.writeString(
          noProfiles, "# the transport processes of the stack take their clusters from flags\n");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    SupervisedProcess process =
        SupervisedProcess.start(
            name + " transport process",
            commandLine,
            Map.of("XCLUSTER_LOG_LEVEL", "INFO", "TEMPORAL_CONFIG_FILE", noProfiles.toString()),
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
