package io.xcluster.testkit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One external program of the local stack (a Temporal server, nats-server, a transport JVM):
 * started with its output appended to a log file, health-checked before use, stopped gently or
 * killed, and started again with the same command. Every process still alive when the JVM exits —
 * normally, on Ctrl-C, or after a failed test — is killed by a shutdown hook. (A JVM that is itself
 * SIGKILLed runs no hook: its children live on until stopped by hand.)
 */
public final class SupervisedProcess implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SupervisedProcess.class);
  private static final Set<SupervisedProcess> ALIVE = ConcurrentHashMap.newKeySet();
  private static final Duration PROBE_INTERVAL = Duration.ofMillis(200);

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> ALIVE.forEach(SupervisedProcess::kill), "supervised-process-reaper"));
  }

  private final String name;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Path logFile;
  private final Predicate<SupervisedProcess> ready;
  private volatile long logOffsetAtStart;
  private final Duration startTimeout;
  private volatile Process process;

  private SupervisedProcess(
      String name,
      List<String> command,
      Map<String, String> environment,
      Path logFile,
      Predicate<SupervisedProcess> ready,
      Duration startTimeout) {
    this.name = name;
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.logFile = logFile;
    this.ready = ready;
    this.startTimeout = startTimeout;
  }

  /**
   * Starts {@code command} and waits until {@code ready} answers true.
   *
   * @param name what the process is, for messages ("eu-west Temporal server")
   * @param ready the health check; called repeatedly until it answers true or the timeout passes
   *     ({@link #logSinceStart()} lets it look for a line the program prints once it is up)
   * @throws IllegalStateException naming the log file when the process exits or is not ready in
   *     time
   */
  public static SupervisedProcess start(
      String name,
      List<String> command,
      Map<String, String> environment,
      Path logFile,
      Predicate<SupervisedProcess> ready,
      Duration startTimeout) {
    SupervisedProcess supervised =
        new SupervisedProcess(name, command, environment, logFile, ready, startTimeout);
    supervised.startAgain();
    return supervised;
  }

  /**
   * Starts the same command again (after {@link #stop()} or {@link #kill()}) and waits until it is
   * ready.
   */
  public void startAgain() {
    if (isAlive()) {
      throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
    }
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      logOffsetAtStart = Files.exists(logFile) ? Files.size(logFile) : 0;
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      // what the caller's shell exports for its own Temporal CLI, NATS CLI or services must not
      // reconfigure the processes of the stack: they get exactly the settings given here
      builder.environment().keySet().removeIf(SupervisedProcess::isServiceSetting);
      builder.environment().putAll(environment);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
    }
    ALIVE.add(this);
    long started = System.nanoTime();
    long deadline = started + startTimeout.toNanos();
    while (!probe() || !process.isAlive()) {
      if (!process.isAlive()) {
        ALIVE.remove(this);
        String output = logSinceStart();
        String message =
            name
                + " exited at start-up with code "
                + process.exitValue()
                + "; see "
                + logFile
                + lastWords(output);
        if (output.toLowerCase(java.util.Locale.ROOT).contains("address already in use")) {
          throw new PortTakenAtStartException(message + " (a port it was given was taken)");
        }
        throw new IllegalStateException(message);
      }
      if (System.nanoTime() > deadline) {
        kill();
        throw new IllegalStateException(
            name + " was not ready within " + startTimeout.toSeconds() + " s; see " + logFile);
      }
      sleep(PROBE_INTERVAL);
    }
    log.info(
        "{} ready after {} ms (pid {}, log {})",
        name,
        (System.nanoTime() - started) / 1_000_000,
        process.pid(),
        logFile);
  }

  private boolean probe() {
    try {
      return ready.test(this);
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  static boolean isServiceSetting(String variable) {
    return variable.startsWith("TEMPORAL_")
        || variable.startsWith("NATS_")
        || variable.startsWith("OTEL_")
        || (variable.startsWith("XCLUSTER_") && !variable.equals("XCLUSTER_LOG_LEVEL"));
  }

  /** Asks the process to end (SIGTERM) and waits up to {@code grace}; then kills it. */
  public void stop(Duration grace) {
    Process running = process;
    if (running == null || !running.isAlive()) {
      ALIVE.remove(this);
      return;
    }
    running.destroy();
    try {
      if (!running.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("{} did not stop within {} s of SIGTERM; killing it", name, grace.toSeconds());
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
    ALIVE.remove(this);
  }

  /** Stops it gently, allowing 15 s. */
  public void stop() {
    stop(Duration.ofSeconds(15));
  }

  /** SIGKILL: no goodbye, nothing flushed — the fault the chaos tests inject. */
  public void kill() {
    Process running = process;
    if (running != null && running.isAlive()) {
      running.destroyForcibly();
      try {
        running.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    ALIVE.remove(this);
  }

  /**
   * The line that says why a program died, for the exception (CI keeps the message, not the log): a
   * Go panic's first line, else the last line that mentions an error, else nothing.
   */
  static String lastWords(String output) {
    List<String> lines = output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    String why =
        lines.stream()
            .filter(
                l ->
                    l.startsWith("panic:")
                        || l.toLowerCase(java.util.Locale.ROOT).contains("address already in use"))
            .findFirst()
            .orElseGet(
                () ->
                    lines.stream()
                        .filter(l -> l.toLowerCase(java.util.Locale.ROOT).contains("error"))
                        .reduce((first, second) -> second)
                        .orElse(""));
    if (why.isEmpty()) {
      return "";
    }
    return ": " + (why.length() > 400 ? why.substring(0, 400) + "…" : why);
  }

  /** What the process wrote to its log since it was last started. */
  public String logSinceStart() {
    try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(logFile.toFile(), "r")) {
      file.seek(Math.min(logOffsetAtStart, file.length()));
      byte[] bytes = new byte[(int) (file.length() - file.getFilePointer())];
      file.readFully(bytes);
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  public boolean isAlive() {
    Process running = process;
    return running != null && running.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return logFile;
  }

  public String name() {
    return name;
  }

  @Override
  public void close() {
    stop();
  }

  private void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(); // nobody will get a handle to stop it
      throw new IllegalStateException(
          "interrupted while waiting for " + name + " to become ready", e);
    }
  }
}
