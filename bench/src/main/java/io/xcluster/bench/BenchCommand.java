package io.xcluster.bench;

import io.xcluster.localstack.cli.StackMixin;
import io.xcluster.localstack.stack.ClusterKind;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.localstack.wan.RegionsApart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Measures what crossing clusters costs, side by side in one run: a fulfillment as an in-cluster
 * child workflow (the baseline), as a Nexus operation to another namespace (the single-cluster
 * peer), and through each transport — latency, throughput at several concurrency levels, and (on
 * real servers) the cost of many calls held open by each transport process.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Latency, throughput and in-flight capacity of cross-cluster fulfillments vs. an in-cluster child workflow and a Nexus operation.")
public final class BenchCommand implements Callable<Integer> {

  /** A setting the run refuses before it starts: reported in one line, exit 2. */
  static final class BadSetting extends IllegalArgumentException {
    BadSetting(String message) {
      super(message);
    }
  }

  @Mixin StackMixin stack;

  @Option(
      names = "--both-stacks",
      description =
          "Run on embedded servers, then on real ones, into one report (ignores --stack).")
  boolean bothStacks;

  @Option(
      names = "--samples",
      defaultValue = "200",
      description = "Measured sequential fulfillments per variant (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(
      names = "--warmup",
      defaultValue = "30",
      description = "Unmeasured fulfillments per variant first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--concurrency",
      split = ",",
      defaultValue = "1,10,50,200",
      description = "Concurrency levels for throughput (default: ${DEFAULT-VALUE}).")
  List<Integer> concurrency;

  @Option(
      names = "--calls-per-level",
      defaultValue = "0",
      description =
          "Fulfillments per variant at each level; 0 = 4 × the level, at least 40 (default: ${DEFAULT-VALUE}).")
  int callsPerLevel;

  @Option(
      names = "--in-flight",
      defaultValue = "10000",
      description =
          "Calls held open per transport process, on real servers; 0 skips it (default: ${DEFAULT-VALUE}).")
  int inFlight;

  @Option(
      names = "--hold-window",
      defaultValue = "PT30S",
      description =
          "How long the held calls are watched for the transport's CPU, e.g. 30s or PT30S (default: ${DEFAULT-VALUE}).")
  Duration holdWindow;

  @Option(
      names = "--tracing-overhead",
      description =
          "Also time the selected transport on a second stack whose services all trace (spans batched, then dropped).")
  boolean tracingOverhead;

  @Option(
      names = "--metrics-overhead",
      description =
          "Only the cost of metrics: the selected transport on two alike stacks, one metered"
              + " (scraped every --scrape-interval), one not; latency rounds and throughput levels"
              + " alternate between them.")
  boolean metricsOverhead;

  @Option(
      names = "--limits-overhead",
      description =
          "Only the cost of the per-destination limits when not hit: the selected transport on two"
              + " alike stacks, one with caps far above the load, one with none; latency rounds and"
              + " throughput levels alternate between them (run it on --stack real: an embedded"
              + " target cannot count its runs).")
  boolean limitsOverhead;

  @Option(
      names = "--scrape-interval",
      defaultValue = "PT15S",
      description =
          "With --metrics-overhead: how often the metered side is scraped, e.g. 15s or PT15S (default: ${DEFAULT-VALUE}).")
  Duration scrapeInterval;

  @Option(
      names = "--latency-only",
      description = "Only latency and its hop breakdown: no throughput, no in-flight capacity.")
  boolean latencyOnly;

  @Option(
      names = "--order-api",
      defaultValue = "300",
      description =
          "Concurrent POST /orders, then as many GET /orders/{id}, against the order API on loopback; 0 skips it (default: ${DEFAULT-VALUE}).")
  int orderApi;

  @Option(
      names = "--order-api-only",
      description = "Only the order API under load: no latency, throughput or in-flight capacity.")
  boolean orderApiOnly;

  @Option(
      names = "--in-flight-only",
      description =
          "Only the held calls (--in-flight of them per mode): no latency, throughput or order API.")
  boolean inFlightOnly;

  @Option(
      names = "--in-flight-modes",
      split = ",",
      description =
          "Which transports (and bridge modes) hold calls, by tag: bridge-callback,"
              + " bridge-heartbeat, nats (default: all).")
  List<String> inFlightModes = List.of();

  @Option(
      names = "--wan",
      split = ",",
      paramLabel = "RTT_MS",
      description =
          "Only the transports with the regions apart: every cross-region connection through"
              + " Toxiproxy, at each of these round trips in ms (e.g. 0,20,80,160; 0 is needed),"
              + " each placement in turn (the bridge in us-east, the bridge in eu-west, NATS with"
              + " its relay across): --samples sequential fulfillments per round trip, and"
              + " --calls-per-level at concurrency 50 at 0 and 80 ms. With --interactions:"
              + " forwarded updates instead (see there; 0 not needed). Real servers only; needs"
              + " scripts/install-tools.sh toxiproxy.")
  List<Integer> wanRtts = List.of();

  @Option(
      names = "--wan-placements",
      paramLabel = "TAGS",
      description =
          "With --wan: only these placements, comma-separated tags (bridge-target-region,"
              + " bridge-calling-region, nats-server-per-region, nats-broker-in-target-region,"
              + " nats-broker-in-calling-region; default: all, with --interactions each"
              + " transport's recommended one). CI measures both bridge placements and NATS's"
              + " recommended one.")
  String wanPlacements;

  @Option(
      names = "--nats-deployments",
      description =
          "Only the NATS transport on three nats-server deployments side by side (one node,"
              + " one node with sync_interval: always, a 3-node cluster with R3 streams and"
              + " sync_interval: always): the broker's publishes and whole fulfillments, --samples"
              + " latency rounds and --calls-per-level at concurrency 50 per block. Real servers"
              + " only; needs scripts/install-tools.sh nats-cluster.")
  boolean natsDeployments;

  @Option(
      names = "--interactions",
      defaultValue = "0",
      paramLabel = "ORDERS",
      description =
          "Only talking to running calls, each transport on a stack of its own: this many orders"
              + " kept picking and packing in eu-west; --samples delivery-address changes each way"
              + " (forwarded from us-east through the port, and sent straight to eu-west),"
              + " alternating; then the orders' progress reports, eu-west's stage change to the"
              + " order's signal. With --wan: each transport's recommended placement (or"
              + " --wan-placements) with the regions apart, at each round trip, the direct update"
              + " sent both from us-east across the WAN and from inside eu-west. 0 skips it"
              + " (default: ${DEFAULT-VALUE}).")
  int interactions;

  @Option(
      names = "--report",
      description = "Write the results as Markdown to this file (e.g. docs/benchmarks.md).")
  Path report;

  @Option(
      names = "--chart",
      description =
          "Write the latency and throughput chart as PNG to this file (e.g. docs/benchmarks.png).")
  Path chart;

  @Override
  public Integer call() throws Exception {
    StackOptions base = checkedSettings();
    return run(base);
  }

  /**
   * Every setting checked before anything is started: a bad value, a contradiction, or a file that
   * cannot be written stops the run now, in one line, not after an hour of measuring.
   */
  StackOptions checkedSettings() {
    StackOptions base;
    try {
      base = stack.toOptions(); // ports, --transport, --warehouse-*, --work-dir
    } catch (IllegalArgumentException bad) {
      throw new BadSetting(bad.getMessage());
    }
    checkOneMode();
    if ((stack.warehouseDelayGiven() || stack.warehouseFlakinessGiven())
        && !(metricsOverhead || limitsOverhead)) {
      // the other runs set their own warehouse (instant for latency and throughput, slow for the
      // order API, fixed steps for interactions): the options would be shown and ignored
      throw new BadSetting(
          "--warehouse-delay and --warehouse-flakiness apply only to --metrics-overhead and"
              + " --limits-overhead; the other runs use a warehouse of their own");
    }
    checkWritable("--report", report);
    checkWritable("--chart", chart);
    return base;
  }

  /** The runs that measure something else altogether: at most one per invocation. */
  private void checkOneMode() {
    List<String> modes = new ArrayList<>();
    if (limitsOverhead) {
      modes.add("--limits-overhead");
    }
    if (metricsOverhead) {
      modes.add("--metrics-overhead");
    }
    if (!wanRtts.isEmpty()) {
      modes.add("--wan");
    }
    if (interactions > 0 && wanRtts.isEmpty()) {
      // with --wan, --interactions chooses what is measured apart: one mode
      modes.add("--interactions");
    }
    if (natsDeployments) {
      modes.add("--nats-deployments");
    }
    if (orderApiOnly) {
      modes.add("--order-api-only");
    }
    if (inFlightOnly) {
      modes.add("--in-flight-only");
    }
    if (modes.size() > 1) {
      throw new BadSetting(
          String.join(", ", modes)
              + " are separate runs: give one of them (--interactions goes with --wan)");
    }
  }

  /** A file the run writes at its end: its directory must be there and writable now. */
  private static void checkWritable(String option, Path file) {
    if (file == null) {
      return;
    }
    Path directory = file.toAbsolutePath().getParent();
    if (Files.isDirectory(file)) {
      throw new BadSetting(option + " " + file + " is a directory, not a file");
    }
    if (directory == null || !Files.isDirectory(directory)) {
      throw new BadSetting(option + " " + file + ": directory " + directory + " does not exist");
    }
    if (!Files.isWritable(directory) || (Files.exists(file) && !Files.isWritable(file))) {
      throw new BadSetting(option + " " + file + " cannot be written");
    }
  }

  /** Names the one option that is out of range (the run used to list every rule at once). */
  private static void atLeast(String option, int value, int minimum) {
    if (value < minimum) {
      throw new BadSetting(option + " must be ≥ " + minimum + ", was " + value);
    }
  }

  private Integer run(StackOptions base) throws Exception {
    if (orderApiOnly && orderApi < 1) {
      throw new BadSetting("--order-api-only needs --order-api ≥ 1, was " + orderApi);
    }
    if (orderApiOnly && chart != null) {
      throw new BadSetting(
          "--chart draws latency and throughput, which --order-api-only does not measure");
    }
    if (inFlightOnly && (orderApiOnly || latencyOnly || metricsOverhead || inFlight < 1)) {
      throw new BadSetting(
          "--in-flight-only needs --in-flight ≥ 1 and goes with none of --order-api-only,"
              + " --latency-only, --metrics-overhead");
    }
    if (inFlightOnly && chart != null) {
      throw new BadSetting(
          "--chart draws latency and throughput, which --in-flight-only does not measure");
    }
    HeldCalls.modes(inFlightModes); // an unknown tag stops the run now, not after an hour
    atLeast("--samples", samples, 1);
    atLeast("--warmup", warmup, 0);
    atLeast("--in-flight", inFlight, 0);
    atLeast("--order-api", orderApi, 0);
    if (concurrency.stream().anyMatch(c -> c < 1)) {
      throw new BadSetting("--concurrency levels must each be ≥ 1, were " + concurrency);
    }
    if (holdWindow.isNegative() || holdWindow.isZero()) {
      throw new BadSetting("--hold-window must be positive, was " + holdWindow);
    }
    BenchRun.Settings settings =
        new BenchRun.Settings(
            samples,
            warmup,
            concurrency,
            callsPerLevel,
            inFlight,
            holdWindow,
            tracingOverhead,
            latencyOnly,
            orderApi,
            orderApiOnly,
            inFlightOnly,
            List.copyOf(inFlightModes));
    if (limitsOverhead) {
      if (chart != null || bothStacks || metricsOverhead) {
        throw new BadSetting(
            "--limits-overhead runs on one stack and draws no chart: drop --chart, --both-stacks"
                + " and --metrics-overhead");
      }
      LimitsOverhead.Result result = new LimitsOverhead(base, settings, System.err).run();
      publish(LimitsOverhead.render(result, base.clusters().name().toLowerCase(), commandLine()));
      return 0;
    }
    if (metricsOverhead) {
      if (chart != null || bothStacks) {
        throw new BadSetting(
            "--metrics-overhead runs on one stack and draws no chart: drop --chart and --both-stacks");
      }
      MetricsOverhead.Result result =
          new MetricsOverhead(base, settings, scrapeInterval, System.err).run();
      String markdown =
          MetricsOverhead.render(result, base.clusters().name().toLowerCase(), commandLine());
      publish(markdown);
      return 0;
    }
    if (!wanRtts.isEmpty()) {
      if (bothStacks || metricsOverhead || inFlightOnly || orderApiOnly || natsDeployments) {
        throw new BadSetting(
            "--wan runs on one stack: it goes with none of --both-stacks, --metrics-overhead,"
                + " --in-flight-only, --order-api-only, --nats-deployments");
      }
      if (wanRtts.stream().anyMatch(rtt -> rtt < 0 || rtt > 2_000)) {
        throw new BadSetting("--wan round trips must be 0 to 2000 ms, were " + wanRtts);
      }
      if (interactions > 0) {
        return interactionsApart(base);
      }
      io.xcluster.testkit.tools.ToolBinary.TOXIPROXY.require();
      WanBenchmark.Result result =
          new WanBenchmark(base, settings, wanRtts, wanPlacements, System.err).run();
      String chartLink = chartLink();
      String markdown =
          WanBenchmark.render(
              result, base.clusters().name().toLowerCase(), commandLine(), chartLink);
      publish(markdown);
      if (chart != null) {
        WanBenchmark.chart(result, chart);
        System.err.println("bench: chart written to " + chart);
      }
      return 0;
    }
    if (interactions > 0) {
      if (chart != null || bothStacks || metricsOverhead || inFlightOnly || orderApiOnly) {
        throw new BadSetting(
            "--interactions runs on one stack and draws no chart: it goes with none of --chart,"
                + " --both-stacks, --metrics-overhead, --in-flight-only, --order-api-only");
      }
      int rounds = interactionRounds();
      List<InteractionsBenchmark.Figures> figures =
          new InteractionsBenchmark(base, interactions, rounds, System.err).run();
      publish(
          InteractionsBenchmark.render(
              figures, base.clusters().name().toLowerCase(), commandLine()));
      return 0;
    }
    if (natsDeployments) {
      if (chart != null || bothStacks || metricsOverhead || inFlightOnly || orderApiOnly) {
        throw new BadSetting(
            "--nats-deployments runs on one stack and draws no chart: it goes with none of"
                + " --chart, --both-stacks, --metrics-overhead, --in-flight-only, --order-api-only");
      }
      io.xcluster.testkit.tools.ToolBinary.NATS_CLUSTER_SERVER.require();
      List<NatsDeployments.Figures> figures = new NatsDeployments(base, settings, System.err).run();
      String markdown =
          NatsDeployments.render(figures, base.clusters().name().toLowerCase(), commandLine());
      publish(markdown);
      return 0;
    }
    List<ClusterKind> kinds =
        bothStacks ? List.of(ClusterKind.EMBEDDED, ClusterKind.REAL) : List.of(base.clusters());
    if (kinds.contains(ClusterKind.REAL)) {
      // fail now, not after the embedded half of the run
      io.xcluster.testkit.tools.ToolBinary.TEMPORAL_CLI.require();
      io.xcluster.testkit.tools.ToolBinary.NATS_SERVER.require();
    }
    if (kinds.contains(ClusterKind.POSTGRES)) {
      io.xcluster.testkit.tools.ToolBinary.NATS_SERVER.require();
    }
    List<StackResult> results = new ArrayList<>();
    for (ClusterKind kind : kinds) {
      StackOptions options = base.withClusters(kind, base.workDir());
      System.err.println("bench: " + kind.name().toLowerCase() + " servers");
      StackResult result = new BenchRun(options, settings, System.err).run();
      results.add(result);
      // shown at once, so a later failure loses nothing already measured
      System.err.print(BenchReport.render(List.of(result), "(partial)", null));
    }
    String chartLink = chartLink();
    String markdown = BenchReport.render(results, commandLine(), chartLink);
    publish(markdown);
    if (chart != null) {
      BenchChart.write(results, chart);
      System.err.println("bench: chart written to " + chart);
    }
    return 0;
  }

  /** Rounds of address changes: each changes every order's address once (each way). */
  private int interactionRounds() {
    if (samples < interactions) {
      throw new BadSetting(
          "--samples ("
              + samples
              + ") must be at least --interactions ("
              + interactions
              + "): each round changes every order's address once, so --samples ÷ --interactions"
              + " rounds are run");
    }
    return samples / interactions;
  }

  /** --interactions with --wan: forwarded updates with the regions apart, per placement. */
  private int interactionsApart(StackOptions base) throws Exception {
    if (chart != null) {
      throw new BadSetting("--interactions with --wan draws no chart: drop --chart");
    }
    List<RegionsApart.Placement> placements;
    try {
      placements =
          wanPlacements == null || wanPlacements.isBlank()
              ? RegionsApart.recommended()
              : RegionsApart.placements(wanPlacements);
    } catch (IllegalArgumentException unknown) {
      throw new BadSetting("--wan-placements: " + unknown.getMessage());
    }
    int rounds = interactionRounds();
    InteractionsApart benchmark =
        new InteractionsApart(base, interactions, rounds, wanRtts, placements, System.err);
    io.xcluster.testkit.tools.ToolBinary.TOXIPROXY.require();
    List<InteractionsApart.Figures> figures = benchmark.run();
    publish(InteractionsApart.render(figures, base.clusters().name().toLowerCase(), commandLine()));
    return 0;
  }

  /** The chart's path as the report links it (relative to the report), or null without one. */
  private String chartLink() {
    if (chart == null) {
      return null;
    }
    return (report == null
            ? chart
            : report.toAbsolutePath().getParent().relativize(chart.toAbsolutePath()))
        .toString();
  }

  /** The page on stdout, and in --report's file when given. */
  private void publish(String markdown) throws java.io.IOException {
    System.out.print(markdown);
    if (report != null) {
      Files.writeString(report, markdown);
      System.err.println("bench: report written to " + report);
    }
  }

  /** The command that reproduces this run, every setting spelled out. */
  String commandLine() {
    StringBuilder command = new StringBuilder("java -jar bench/target/bench.jar");
    command.append(
        bothStacks
            ? " --both-stacks"
            : " --stack " + stack.toOptions().clusters().name().toLowerCase());
    // the selected transport matters to the overhead runs, which time one transport
    command.append(" --transport ").append(stack.toOptions().transport());
    // given only where a run honours them (the overhead runs); spelled out so it is reproduced
    if (stack.warehouseDelayGiven()) {
      command.append(" --warehouse-delay ").append(stack.toOptions().simulation().stepDelay());
    }
    if (stack.warehouseFlakinessGiven()) {
      command
          .append(" --warehouse-flakiness ")
          .append(stack.toOptions().simulation().transientFailureRate());
    }
    command
        .append(" --samples ")
        .append(samples)
        .append(" --warmup ")
        .append(warmup)
        .append(" --concurrency ")
        .append(String.join(",", concurrency.stream().map(String::valueOf).toList()))
        .append(" --calls-per-level ")
        .append(callsPerLevel)
        .append(" --in-flight ")
        .append(inFlight)
        .append(" --hold-window ")
        .append(holdWindow)
        .append(" --order-api ")
        .append(orderApi);
    if (tracingOverhead) {
      command.append(" --tracing-overhead");
    }
    if (metricsOverhead) {
      command.append(" --metrics-overhead --scrape-interval ").append(scrapeInterval);
    }
    if (limitsOverhead) {
      command.append(" --limits-overhead");
    }
    if (latencyOnly) {
      command.append(" --latency-only");
    }
    if (orderApiOnly) {
      command.append(" --order-api-only");
    }
    if (inFlightOnly) {
      command.append(" --in-flight-only");
    }
    if (natsDeployments) {
      command.append(" --nats-deployments");
    }
    if (interactions > 0) {
      command.append(" --interactions ").append(interactions);
    }
    if (!wanRtts.isEmpty()) {
      command
          .append(" --wan ")
          .append(String.join(",", wanRtts.stream().map(String::valueOf).toList()));
      if (wanPlacements != null && !wanPlacements.isBlank()) {
        command.append(" --wan-placements ").append(wanPlacements);
      }
    }
    if (!inFlightModes.isEmpty()) {
      command.append(" --in-flight-modes ").append(String.join(",", inFlightModes));
    }
    if (report != null) {
      command
          .append(" --report ")
          .append(Path.of("").toAbsolutePath().relativize(report.toAbsolutePath()));
    }
    if (chart != null) {
      command
          .append(" --chart ")
          .append(Path.of("").toAbsolutePath().relativize(chart.toAbsolutePath()));
    }
    return command.toString();
  }
}
