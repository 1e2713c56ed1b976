package io.xcluster.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.temporal.client.WorkflowClient;
import io.xcluster.localstack.cli.Percentiles;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.runtime.lifecycle.DaemonThreads;
import io.xcluster.runtime.metrics.ServiceMetrics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
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

  static final int THROUGHPUT_REPETITIONS = AlternatingSides.THROUGHPUT_REPETITIONS;

  /** Per variant: latency percentiles and fulfillments per second at each concurrency level. */
  record Result(
      String transport,
      Map<String, Percentiles> latency,
      Map<String, Map<Integer, Double>> throughput,
      Duration scrapeInterval,
      long scrapes,
      long lastScrapeBytes,
      double meanScrapeMillis) {}

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
        AlternatingSides.Measured measured =
            AlternatingSides.measure(
                clients,
                before,
                options.transport(),
                settings,
                "metered / unmetered",
                "mo-",
                progress);
        return new Result(
            options.transport(),
            measured.latency(),
            measured.throughput(),
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

  private LocalStack start(String name, boolean meteredStack) {
    return AlternatingSides.startSide(options, name, stack -> stack, meteredStack, progress);
  }

  private static String name(Result result, String side) {
    return AlternatingSides.sideName(result.transport(), side);
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
    md.append(
        AlternatingSides.table(
            new AlternatingSides.Measured(result.latency(), result.throughput()),
            side -> name(result, side),
            METERED,
            UNMETERED,
            "Metered against unmetered",
            "latency: + is slower when metered; throughput: − is fewer fulfillments per second"
                + " when metered"));
    return md.toString();
  }
}
