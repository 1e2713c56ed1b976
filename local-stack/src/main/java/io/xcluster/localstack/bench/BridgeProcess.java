package io.xcluster.localstack.bench;

import io.xcluster.port.cluster.ClusterEndpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bridge in a JVM of its own ({@code BridgeWorkerMain}), so that its threads and heap are
 * measured apart from the clusters and workers. Its log goes to a file.
 */
final class BridgeProcess implements AutoCloseable {

  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  private final Process process;
  private final Path log;

  private BridgeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static BridgeProcess start(ClusterEndpoint source, ClusterEndpoint target, String taskQueue, Path log)
      throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
            java.toString(), "-cp", System.getProperty("java.class.path"),
            "io.xcluster.transport.bridge.BridgeWorkerMain",
            "--source-address", source.address(), "--target-address", target.address(), "--task-queue", taskQueue);
    builder.environment().put("XCLUSTER_LOG_LEVEL", "INFO");
    builder.redirectErrorStream(true);
    Process process = builder.start();
    CountDownLatch ready = new CountDownLatch(1);
    Thread pump = new Thread(() -> copyUntilEnd(process, log, ready), "bridge-process-log");
    pump.setDaemon(true);
    pump.start();
    if (!ready.await(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the bridge process did not start polling within 60 s; see " + log);
    }
    return new BridgeProcess(process, log);
  }

  private static void copyUntilEnd(Process process, Path log, CountDownLatch ready) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        out.println(line);
        if (line.contains("bridge polling")) {
          ready.countDown();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** Live OS threads of the process (JVM-internal ones included), from /proc; -1 where there is no /proc. */
  int liveThreads() throws IOException {
    Path status = Path.of("/proc", Long.toString(process.pid()), "status");
    if (!Files.exists(status)) {
      return -1;
    }
    List<String> lines = Files.readAllLines(status);
    return lines.stream().filter(l -> l.startsWith("Threads:"))
        .mapToInt(l -> Integer.parseInt(l.substring("Threads:".length()).trim()))
        .findFirst().orElse(-1);
  }

  /** Heap in use right after a full GC, via jcmd; -1 when jcmd is not available. */
  long heapAfterGcBytes() throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      return -1;
    }
    run(jcmd.toString(), Long.toString(pid()), "GC.run");
    Matcher used = HEAP_USED.matcher(run(jcmd.toString(), Long.toString(pid()), "GC.heap_info"));
    return used.find() ? Long.parseLong(used.group(1)) * 1024 : -1;
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
