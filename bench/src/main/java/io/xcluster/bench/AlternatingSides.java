package io.xcluster.bench;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.xcluster.localstack.cli.Percentiles;
import io.xcluster.localstack.cli.ProgressBar;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.tracing.ServiceTracing;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Two (or more) alike stacks that differ in one thing, measured side by side in one run: latency
 * rounds and throughput levels alternate between the sides, rotating which goes first, so that a
 * noisy machine weighs on both alike. What an overhead benchmark (metrics, limits) shares.
 */
final class AlternatingSides {

  /** Each side runs each throughput level this often, alternating; the median counts. */
  static final int THROUGHPUT_REPETITIONS = 3;

  /** Per side: latency percentiles, and fulfillments per second at each concurrency level. */
  record Measured(Map<String, Percentiles> latency, Map<String, Map<Integer, Double>> throughput) {}

  private AlternatingSides() {}

  /**
   * Measures each side through {@code clients}' us-east, running {@code before} a side's turn (e.g.
   * attaching its registry).
   */
  static Measured measure(
      Map<String, WorkflowClient> clients,
      Map<String, Runnable> before,
      String transport,
      BenchRun.Settings settings,
      String label,
      String idPrefix,
      PrintStream progress)
      throws Exception {
    List<String> names = new ArrayList<>(clients.keySet());
    BenchRun.Variant variant = BenchRun.transportVariant(transport);
    Map<String, List<Duration>> measured = new LinkedHashMap<>();
    int rounds = settings.warmup() + settings.samples();
    ProgressBar bar = new ProgressBar(progress, rounds, label + " latency rounds");
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < names.size(); i++) {
        String name = names.get((round + i) % names.size());
        before.getOrDefault(name, () -> {}).run();
        long started = System.nanoTime();
        WorkflowStub probe =
            BenchRun.start(clients.get(name), variant, BenchRun.DEFAULT_QUEUE, idPrefix + round);
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
            settings.callsPerLevel() > 0 ? settings.callsPerLevel() : Math.max(40, 4 * concurrency);
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (int repetition = 0; repetition < THROUGHPUT_REPETITIONS; repetition++) {
          for (int i = 0; i < names.size(); i++) {
            String name = names.get((repetition + i) % names.size());
            before.getOrDefault(name, () -> {}).run();
            double rate =
                BenchRun.runConcurrently(
                    clients.get(name),
                    variant,
                    concurrency,
                    calls,
                    idPrefix + "tp" + concurrency + "-" + repetition);
            rates.computeIfAbsent(name, n -> new ArrayList<>()).add(rate);
            progress.printf(
                "bench: %s at concurrency %d: %.1f/s (%d calls)%n", name, concurrency, rate, calls);
          }
        }
        rates.forEach((name, seen) -> throughput.get(name).put(concurrency, median(seen)));
      }
    }
    return new Measured(latency, throughput);
  }

  /**
   * The sides as a Markdown table (latency percentiles, then throughput per level), each side named
   * by {@code name}, then one line comparing {@code side} with {@code baseline} ("p50 latency +1.2
   * %, throughput at c=50 -0.4 %"), in the words of {@code meaning}.
   */
  static String table(
      Measured measured,
      UnaryOperator<String> name,
      String side,
      String baseline,
      String comparing,
      String meaning) {
    StringBuilder md = new StringBuilder();
    Map<Integer, Double> levels = measured.throughput().get(baseline);
    md.append("| variant | n | p50 ms | p90 ms | p99 ms |");
    levels
        .keySet()
        .forEach(
            c ->
                md.append(
                    " fulfillments/s at c=%d (median of %d) |"
                        .formatted(c, THROUGHPUT_REPETITIONS)));
    md.append("\n|---|---|---|---|---|").append("---|".repeat(levels.size())).append('\n');
    measured
        .latency()
        .forEach(
            (each, p) -> {
              md.append(
                  "| %s | %d | %.1f | %.1f | %.1f |"
                      .formatted(
                          name.apply(each), p.count(), p.millis(50), p.millis(90), p.millis(99)));
              measured
                  .throughput()
                  .get(each)
                  .values()
                  .forEach(rate -> md.append(" %.1f |".formatted(rate)));
              md.append('\n');
            });
    double latency =
        measured.latency().get(side).millis(50) / measured.latency().get(baseline).millis(50) - 1;
    md.append("\n%s: p50 latency %+.1f %%".formatted(comparing, 100 * latency));
    levels.forEach(
        (c, base) ->
            md.append(
                ", throughput at c=%d %+.1f %%"
                    .formatted(c, 100 * (measured.throughput().get(side).get(c) / base - 1))));
    md.append(" (").append(meaning).append(").\n");
    return md.toString();
  }

  /**
   * Starts one side: the selected transport alone on a stack like {@code options} (its own servers,
   * under a directory named {@code name}), changed by {@code difference}.
   */
  static LocalStack startSide(
      StackOptions options,
      String name,
      UnaryOperator<StackOptions> difference,
      boolean metered,
      PrintStream progress) {
    StackOptions stack =
        StackOptions.forTransport(options.transport())
            .withFulfillmentTimeout(options.fulfillmentTimeout())
            // --warehouse-delay / --warehouse-flakiness: the overhead runs honour them (instant by
            // default)
            .withSimulation(options.simulation());
    if (options.clusters().runsServerProcesses()) {
      stack = stack.withClusters(options.clusters(), options.workDir().resolve(name));
    }
    return LocalStack.start(
        difference.apply(stack),
        step -> progress.println("bench (" + name + "): " + step),
        ServiceTracing::fromEnvironment,
        metered);
  }

  /** A side's name in a report: the transport's, then the side's, e.g. {@code BRIDGE_METERED}. */
  static String sideName(String transport, String side) {
    return transport.toUpperCase(java.util.Locale.ROOT) + "_" + side;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
