package io.xcluster.bench;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.xcluster.localstack.cli.Percentiles;
import io.xcluster.localstack.cli.ProgressBar;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.localstack.stack.TransportProcess;
import io.xcluster.localstack.wan.RegionsApart;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The transports with the regions apart: every cross-region connection through a Toxiproxy link
 * delayed by half a round trip each way ({@link RegionsApart}), each placement of each transport in
 * turn on one Temporal stack. Per round trip: latency (sequential fulfillments), and what it costs
 * in cross-region round trips per call, {@code (p50 at RTT − p50 at 0) ÷ RTT}; throughput at
 * concurrency {@value #CONCURRENCY} at RTT 0 and at {@value #THROUGHPUT_RTT_MS} ms.
 */
final class WanBenchmark {

  static final int CONCURRENCY = 50;
  static final int THROUGHPUT_RTT_MS = 80;

  /** One placement's figures. */
  record Row(
      RegionsApart.Placement placement,
      Map<Integer, Percentiles> latencyByRtt,
      double ratePerSecondAtZero,
      double ratePerSecondAtThroughputRtt) {

    /** Cross-region round trips one call adds at {@code rttMillis}, from the p50s. */
    double roundTripsAt(int rttMillis) {
      return (latencyByRtt.get(rttMillis).millis(50) - latencyByRtt.get(0).millis(50)) / rttMillis;
    }

    double throughputRatio() {
      return ratePerSecondAtThroughputRtt / ratePerSecondAtZero;
    }
  }

  /** The run: every placement's row, and the links the last placement crossed. */
  record Result(List<Integer> rtts, List<Row> rows, List<String> links) {}

  private final StackOptions options;
  private final BenchRun.Settings settings;
  private final List<Integer> rtts;
  private final List<RegionsApart.Placement> placements;
  private final PrintStream progress;

  /**
   * @param placementTags the placements to measure, comma-separated tags; null or blank: all
   */
  WanBenchmark(
      StackOptions options,
      BenchRun.Settings settings,
      List<Integer> rtts,
      String placementTags,
      PrintStream progress) {
    if (!rtts.contains(0)) {
      throw new BenchCommand.BadSetting(
          "--wan needs 0 among its round trips: the added cost is measured against it");
    }
    this.options = options;
    this.settings = settings;
    this.rtts = List.copyOf(rtts);
    try {
      this.placements =
          placementTags == null || placementTags.isBlank()
              ? RegionsApart.placements()
              : RegionsApart.placements(placementTags);
    } catch (IllegalArgumentException unknown) {
      throw new BenchCommand.BadSetting("--wan-placements: " + unknown.getMessage());
    }
    this.progress = progress;
  }

  Result run() throws Exception {
    if (!options.clusters().runsServerProcesses()) {
      throw new BenchCommand.BadSetting(
          "--wan runs the transports in processes of their own behind Toxiproxy: it needs real"
              + " servers (--stack real or --stack postgres)");
    }
    Path dir = options.workDir().resolve("wan");
    StackOptions stackOptions =
        StackOptions.forTransport(options.transport())
            .withAllTransports()
            .withSimulation(SimulationSettings.INSTANT)
            .withFulfillmentTimeout(options.fulfillmentTimeout())
            .withClusters(options.clusters(), dir);
    List<Row> rows = new ArrayList<>();
    List<String> links = new ArrayList<>();
    try (LocalStack stack =
            LocalStack.startWithoutTransport(
                stackOptions, step -> progress.println("bench (wan): " + step));
        RegionsApart wan = RegionsApart.start(dir)) {
      WorkflowClient usEast = BenchRunProbes.prepare(stack);
      for (RegionsApart.Placement placement : placements) {
        progress.println("bench (wan): " + placement.label());
        wan.roundTrip(Duration.ZERO);
        List<TransportProcess> processes =
            wan.startTransport(stack, placement, List.of(), dir.resolve(placement.tag()));
        try {
          rows.add(measure(usEast, wan, placement));
        } finally {
          processes.forEach(TransportProcess::close);
        }
      }
      links.addAll(wan.describeLinks());
    }
    return new Result(rtts, rows, links);
  }

  private Row measure(WorkflowClient usEast, RegionsApart wan, RegionsApart.Placement placement)
      throws Exception {
    BenchRun.Variant variant = BenchRun.transportVariant(placement.transport());
    Map<Integer, Percentiles> latency = new LinkedHashMap<>();
    for (int rtt : rtts) {
      wan.roundTrip(Duration.ofMillis(rtt));
      int rounds = settings.warmup() + settings.samples();
      ProgressBar bar =
          new ProgressBar(progress, rounds, placement.label() + ", RTT " + rtt + " ms");
      List<Duration> measured = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        long started = System.nanoTime();
        WorkflowStub probe =
            BenchRun.start(usEast, variant, BenchRun.DEFAULT_QUEUE, "wan-" + rtt + "-" + round);
        probe.getResult(2, TimeUnit.MINUTES, String.class);
        if (round >= settings.warmup()) {
          measured.add(Duration.ofNanos(System.nanoTime() - started));
        }
        bar.update(round + 1);
      }
      latency.put(rtt, new Percentiles(measured));
      progress.printf(
          "bench (wan): %s at RTT %d ms: p50 %.1f ms%n",
          placement.label(), rtt, latency.get(rtt).millis(50));
    }
    double atZero = 0;
    double atRtt = 0;
    if (!settings.latencyOnly()) {
      int calls = settings.callsPerLevel() > 0 ? settings.callsPerLevel() : 4 * CONCURRENCY;
      wan.roundTrip(Duration.ZERO);
      atZero = BenchRun.runConcurrently(usEast, variant, CONCURRENCY, calls, "wan-tp0");
      wan.roundTrip(Duration.ofMillis(THROUGHPUT_RTT_MS));
      atRtt = BenchRun.runConcurrently(usEast, variant, CONCURRENCY, calls, "wan-tp80");
      progress.printf(
          "bench (wan): %s at c=%d: %.1f/s at RTT 0, %.1f/s at RTT %d ms%n",
          placement.label(), CONCURRENCY, atZero, atRtt, THROUGHPUT_RTT_MS);
    }
    wan.roundTrip(Duration.ZERO);
    return new Row(placement, latency, atZero, atRtt);
  }

  /** The result as a Markdown document of its own; {@code chartLink} null without a chart. */
  static String render(Result result, String clusters, String commandLine, String chartLink) {
    StringBuilder md = new StringBuilder();
    md.append("# The transports with the regions apart\n\n")
        .append(
            ("Generated by `%s` on %s servers. Every connection that crosses the regions goes"
                    + " through a Toxiproxy v2.5.0 link on loopback, delayed by half the round trip"
                    + " each way (± a sixteenth of it); each region's workers reach their own"
                    + " cluster directly. Sequential fulfillments (pick, pack, ship; instant"
                    + " warehouse), started by a probe workflow in us-east and awaited there."
                    + " *Round trips per call*: (p50 at the RTT − p50 at 0) ÷ RTT, what a call"
                    + " costs in crossings of the WAN.\n\n")
                .formatted(commandLine, clusters));
    md.append("| placement | n |");
    result.rtts().forEach(rtt -> md.append(" p50 at ").append(rtt).append(" ms |"));
    result.rtts().stream()
        .filter(rtt -> rtt > 0)
        .forEach(rtt -> md.append(" round trips at ").append(rtt).append(" ms |"));
    boolean throughput = result.rows().stream().anyMatch(r -> r.ratePerSecondAtZero() > 0);
    if (throughput) {
      md.append(" c=%d per s at 0 | at %d ms | ratio |".formatted(CONCURRENCY, THROUGHPUT_RTT_MS));
    }
    long columns =
        2
            + result.rtts().size()
            + result.rtts().stream().filter(r -> r > 0).count()
            + (throughput ? 3 : 0);
    md.append("\n|").append("---|".repeat((int) columns)).append('\n');
    for (Row row : result.rows()) {
      md.append("| ")
          .append(row.placement().label())
          .append(" | ")
          .append(row.latencyByRtt().get(0).count())
          .append(" |");
      result
          .rtts()
          .forEach(rtt -> md.append(" %.1f |".formatted(row.latencyByRtt().get(rtt).millis(50))));
      result.rtts().stream()
          .filter(rtt -> rtt > 0)
          .forEach(rtt -> md.append(" %.2f |".formatted(row.roundTripsAt(rtt))));
      if (throughput) {
        md.append(
            " %.1f | %.1f | %.2f |"
                .formatted(
                    row.ratePerSecondAtZero(),
                    row.ratePerSecondAtThroughputRtt(),
                    row.throughputRatio()));
      }
      md.append('\n');
    }
    md.append("\nThe links, as the run made them:\n\n");
    result.links().forEach(link -> md.append("- ").append(link).append('\n'));
    if (chartLink != null) {
      md.append("\n![p50 latency against the round trip](").append(chartLink).append(")\n");
    }
    return md.toString();
  }

  /** p50 against the round trip, a line per placement. */
  static void chart(Result result, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart chart =
        new XYChartBuilder()
            .width(720)
            .height(440)
            .title("p50 latency per fulfillment against the WAN's round trip")
            .xAxisTitle("round trip between the regions (ms)")
            .yAxisTitle("p50 ms")
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    for (Row row : result.rows()) {
      chart.addSeries(
          row.placement().label(),
          result.rtts(),
          result.rtts().stream().map(rtt -> row.latencyByRtt().get(rtt).millis(50)).toList());
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
