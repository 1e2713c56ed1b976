package io.xcluster.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.xcluster.localstack.cli.Percentiles;
import io.xcluster.localstack.cli.ProgressBar;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.runtime.lifecycle.DaemonThreads;
import io.xcluster.runtime.metrics.ServiceMetrics;
import io.xcluster.tracing.ServiceTracing;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What metrics cost a fulfillment through the selected transport: two alike stacks side by side in
 * one run, that transport only, one with everything metered (the SDK's metrics, the transport's, a
 * Prometheus registry scraped as often as asked) and one with none. Latency rounds and throughput
 * levels alternate between them, rotating which goes first. The transport's meters live in
 * Micrometer's global registry, shared by both stacks in this JVM, so the metered stack's registry
 * is attached only while its own probes run: the unmetered side then records into an empty
 * composite, the nearest to "no metrics" one JVM can hold.
 */
final class MetricsOverhead {

  /** The two sides; a report names them after the transport, e.g. {@code BRIDGE_METERED}. */
  static final String METERED = "METERED";

  static final String UNMETERED = "UNMETERED";

  /** Each side runs each throughput level this often, alternating; the median counts. */
  static final int THROUGHPUT_REPETITIONS = 3;

  /** Per variant: latency percentiles and fulfillments per second at each concurrency level. */
  record Result(
      String transport,
      Map<String, Percentiles> latency,
      Map<String, Map<Integer, Double>> throughput,
      Duration scrapeInterval,
      long scrapes,
      long lastScrapeBytes,
      double meanScrapeMillis) {

    /** The metered side's figure over the unmetered side's, minus one (+0.03 = 3 % slower). */
    double latencyOverheadAtP50() {
      return latency.get(METERED).millis(50) / latency.get(UNMETERED).millis(50) - 1;
    }

    double throughputOverheadAt(int concurrency) {
      return 1
          - throughput.get(METERED).get(concurrency) / throughput.get(UNMETERED).get(concurrency);
    }
  }

  private final StackOptions options;
  private final BenchRun.Settings settings;
  private final PrintStream progress;
  private final Duration scrapeInterval;

  /**
   * @param scrapeInterval how often the metered side is scraped (Prometheus's default is 1 min; 15
   *     s is common)
   */
  MetricsOverhead(
      StackOptions options,
      BenchRun.Settings settings,
      Duration scrapeInterval,
      PrintStream progress) {
    this.options = options;
    this.settings = settings;
    this.scrapeInterval = scrapeInterval;
    this.progress = progress;
  }

  Result run() throws Exception {
    try (LocalStack metered = start("metered", true);
        LocalStack unmetered = start("unmetered", false)) {
      ServiceMetrics registry = metered.metrics();
      MeterRegistry prometheus = registry.registry();
      Map<String, WorkflowClient> clients = new LinkedHashMap<>();
      clients.put(METERED, BenchRunProbes.prepare(metered));
      clients.put(UNMETERED, BenchRunProbes.prepare(unmetered));
      Map<String, Runnable> before =
          Map.of(
              METERED, () -> Metrics.addRegistry(prometheus),
              UNMETERED, () -> Metrics.removeRegistry(prometheus));
      AtomicLong scrapes = new AtomicLong();
      AtomicLong scrapeBytes = new AtomicLong();
      AtomicLong scrapeNanos = new AtomicLong();
      ScheduledExecutorService scraper =
          Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bench-scraper"));
      scraper.scheduleAtFixedRate(
          () -> {
            long started = System.nanoTime();
            scrapeBytes.set(registry.scrape().getBytes(StandardCharsets.UTF_8).length);
            scrapeNanos.addAndGet(System.nanoTime() - started);
            scrapes.incrementAndGet();
          },
          scrapeInterval.toMillis(),
          scrapeInterval.toMillis(),
          TimeUnit.MILLISECONDS);
      try {
        List<String> names = new ArrayList<>(clients.keySet());
        BenchRun.Variant transport = BenchRun.transportVariant(options.transport());
        Map<String, List<Duration>> measured = new LinkedHashMap<>();
        int rounds = settings.warmup() + settings.samples();
        ProgressBar bar = new ProgressBar(progress, rounds, "metered / unmetered latency rounds");
        for (int round = 0; round < rounds; round++) {
          for (int i = 0; i < names.size(); i++) {
            String name = names.get((round + i) % names.size());
            before.get(name).run();
            long started = System.nanoTime();
            WorkflowStub probe =
                BenchRun.start(clients.get(name), transport, BenchRun.DEFAULT_QUEUE, "mo-" + round);
            probe.getResult(60, TimeUnit.SECONDS, String.class);
            if (round >= settings.warmup()) {
              measured
                  .computeIfAbsent(name, n -> new ArrayList<>())
                  .add(Duration.ofNanos(System.nanoTime() - started));
            }
          }
          bar.update(round + 1);
        }
        Map<String, Percentiles> latency = new LinkedHashMap<>();
        names.forEach(n -> latency.put(n, new Percentiles(measured.get(n))));
        Map<String, Map<Integer, Double>> throughput = new LinkedHashMap<>();
        names.forEach(n -> throughput.put(n, new LinkedHashMap<>()));
        if (!settings.latencyOnly()) {
          for (int concurrency : settings.concurrency()) {
            int calls =
                settings.callsPerLevel() > 0
                    ? settings.callsPerLevel()
                    : Math.max(40, 4 * concurrency);
            Map<String, List<Double>> rates = new LinkedHashMap<>();
            for (int repetition = 0; repetition < THROUGHPUT_REPETITIONS; repetition++) {
              for (int i = 0; i < names.size(); i++) {
                String name = names.get((repetition + i) % names.size());
                before.get(name).run();
                double rate =
                    BenchRun.runConcurrently(
                        clients.get(name),
                        transport,
                        concurrency,
                        calls,
                        "mo-tp" + concurrency + "-" + repetition);
                rates.computeIfAbsent(name, n -> new ArrayList<>()).add(rate);
                progress.printf(
                    "bench: %s at concurrency %d: %.1f/s (%d calls)%n",
                    name, concurrency, rate, calls);
              }
            }
            rates.forEach((name, seen) -> throughput.get(name).put(concurrency, median(seen)));
          }
        }
        return new Result(
            options.transport(),
            latency,
            throughput,
            scrapeInterval,
            scrapes.get(),
            scrapeBytes.get(),
            scrapes.get() == 0 ? 0 : scrapeNanos.get() / 1e6 / scrapes.get());
      } finally {
        scraper.shutdownNow();
        Metrics.removeRegistry(prometheus);
      }
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private LocalStack start(String name, boolean meteredStack) {
    StackOptions stack =
        StackOptions.forTransport(options.transport())
            .withFulfillmentTimeout(options.fulfillmentTimeout());
    if (options.clusters().runsServerProcesses()) {
      stack = stack.withClusters(options.clusters(), options.workDir().resolve(name));
    }
    return LocalStack.start(
        stack,
        step -> progress.println("bench (" + name + "): " + step),
        ServiceTracing::fromEnvironment,
        meteredStack);
  }

  private static String name(Result result, String side) {
    return result.transport().toUpperCase(java.util.Locale.ROOT) + "_" + side;
  }

  /** The result as a Markdown document of its own. */
  static String render(Result result, String clusters, String commandLine) {
    StringBuilder md = new StringBuilder();
    md.append("# What metrics cost\n\n")
        .append(
            "Generated by `%s` on %s servers. Two alike stacks, %s only, side by side in one"
                    .formatted(commandLine, clusters, result.transport())
                + " run: `%s` with every metric on".formatted(name(result, METERED))
                + " (the Temporal SDK's, the transport's, the"
                + " HTTP server's, the JVM's) in a Prometheus registry scraped every %d s"
                    .formatted(result.scrapeInterval().toSeconds())
                + " (%d scrapes of %,d bytes each, %.1f ms of CPU each on average),"
                    .formatted(
                        result.scrapes(), result.lastScrapeBytes(), result.meanScrapeMillis())
                + " `%s` with none. Rounds alternate".formatted(name(result, UNMETERED))
                + " between them, rotating which goes first. Goal: at most 3 %.\n\n");
    md.append("| variant | n | p50 ms | p90 ms | p99 ms |");
    Map<Integer, Double> levels = result.throughput().get(UNMETERED);
    levels
        .keySet()
        .forEach(
            c ->
                md.append(" fulfillments/s at c=")
                    .append(c)
                    .append(" (median of ")
                    .append(THROUGHPUT_REPETITIONS)
                    .append(") |"));
    md.append("\n|---|---|---|---|---|").append("---|".repeat(levels.size())).append('\n');
    result
        .latency()
        .forEach(
            (name, p) -> {
              md.append(
                  "| %s | %d | %.1f | %.1f | %.1f |"
                      .formatted(
                          name(result, name), p.count(), p.millis(50), p.millis(90), p.millis(99)));
              result
                  .throughput()
                  .get(name)
                  .values()
                  .forEach(rate -> md.append(" %.1f |".formatted(rate)));
              md.append('\n');
            });
    md.append(
        "\nMetered against unmetered: p50 latency %+.1f %%"
            .formatted(100 * result.latencyOverheadAtP50()));
    levels
        .keySet()
        .forEach(
            c ->
                md.append(
                    ", throughput at c=%d %+.1f %%"
                        .formatted(c, -100 * result.throughputOverheadAt(c))));
    md.append(
        " (latency: + is slower when metered; throughput: − is fewer fulfillments per second"
            + " when metered).\n");
    return md.toString();
  }
}
