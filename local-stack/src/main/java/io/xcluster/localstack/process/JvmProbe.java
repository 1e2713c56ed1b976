package io.xcluster.localstack.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What another JVM on this machine costs right now: its OS threads, its heap after a full GC. */
public final class JvmProbe {

  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  private JvmProbe() {}

  /**
   * Live OS threads of process {@code pid} (JVM-internal ones included), from /proc; -1 where there
   * is no /proc.
   */
  public static int liveThreads(long pid) throws IOException {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    if (!Files.exists(status)) {
      return -1;
    }
    return Files.readAllLines(status).stream()
        .filter(l -> l.startsWith("Threads:"))
        .mapToInt(l -> Integer.parseInt(l.substring("Threads:".length()).trim()))
        .findFirst()
        .orElse(-1);
  }

  /**
   * CPU time (user + system) the process has used so far, in clock ticks from /proc; -1 where there
   * is no /proc.
   */
  public static long cpuTicks(long pid) throws IOException {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(stat)) {
      return -1;
    }
    String line = Files.readString(stat);
    // fields after the command name (which may contain spaces) start after the last ')'
    String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /**
   * CPU time of {@code pid} and its children, living and reaped (a PostgreSQL server: the
   * postmaster and one backend per connection), in clock ticks; -1 where there is no /proc.
   */
  public static long treeCpuTicks(long pid) throws IOException {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(stat)) {
      return -1;
    }
    String[] own = statFields(stat);
    long ticks =
        Long.parseLong(own[11])
            + Long.parseLong(own[12])
            + Long.parseLong(own[13])
            + Long.parseLong(own[14]);
    try (java.util.stream.Stream<Path> processes = Files.list(Path.of("/proc"))) {
      for (Path dir : processes.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String[] fields = statFields(dir.resolve("stat"));
          if (Long.parseLong(fields[1]) == pid) {
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          }
        } catch (IOException | RuntimeException gone) {
          // the process ended between listing and reading: its time is in the parent's reaped
          // figures
        }
      }
    }
    return ticks;
  }

  /** The fields of /proc/<pid>/stat after the command name (state is [0], ppid [1]). */
  private static String[] statFields(Path stat) throws IOException {
    String line = Files.readString(stat);
    return line.substring(line.lastIndexOf(')') + 2).split(" ");
  }

  /**
   * Heap in use right after a full GC of JVM {@code pid}, via jcmd; -1 when jcmd is not available.
   */
  public static long heapAfterGcBytes(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      return -1;
    }
    run(jcmd.toString(), Long.toString(pid), "GC.run");
    Matcher used = HEAP_USED.matcher(run(jcmd.toString(), Long.toString(pid), "GC.heap_info"));
    return used.find() ? Long.parseLong(used.group(1)) * 1024 : -1;
  }

  /**
   * Live threads of JVM {@code pid} by pool, from a jcmd thread dump: each thread's name with its
   * trailing number dropped ("grpc-default-executor-12" counts as "grpc-default-executor"); the
   * biggest pools first. Empty when jcmd is not available.
   */
  public static java.util.Map<String, Long> threadsByPool(long pid)
      throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      return java.util.Map.of();
    }
    java.util.Map<String, Long> pools = new java.util.HashMap<>();
    for (String line : run(jcmd.toString(), Long.toString(pid), "Thread.print").split("\n")) {
      if (line.startsWith("\"")) {
        String name = line.substring(1, line.indexOf('"', 1));
        pools.merge(name.replaceAll("[-#\\s]*\\d+$", ""), 1L, Long::sum);
      }
    }
    java.util.Map<String, Long> sorted = new java.util.LinkedHashMap<>();
    pools.entrySet().stream()
        .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }
}
