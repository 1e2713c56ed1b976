package io.xcluster.bench;

import io.temporal.client.WorkflowClient;
import io.xcluster.localstack.cli.Percentiles;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.localstack.stack.TransportProcess;
import io.xcluster.localstack.wan.RegionsApart;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Forwarded updates with the regions apart ({@link RegionsApart}): each transport in its
 * recommended placement, at each round trip. Two baselines for the same update: a client in
 * us-east, where the order lives, sending it straight to eu-west across the WAN (what a caller
 * would do without the port), and a client inside eu-west (no WAN at all). The forwarded change
 * crosses the WAN once each way like the first; the second shows what the extra hops cost on their
 * own.
 */
final class InteractionsApart {

  /**
   * Each warehouse step. Every change must land while the parcel is being picked, and the rounds at
   * a long round trip take minutes; the runs are not awaited, so a long step costs nothing.
   */
  static final Duration STEP = Duration.ofMinutes(15);

  /** One placement at one round trip. */
  record Figures(
      String placement,
      int rttMillis,
      int orders,
      Percentiles forwarded,
      Percentiles directAcross,
      Percentiles directInside,
      Percentiles progress,
      int progressReports) {

    double ratioAcross() {
      return forwarded.millis(50) / directAcross.millis(50);
    }

    double ratioInside() {
      return forwarded.millis(50) / directInside.millis(50);
    }
  }

  private final StackOptions base;
  private final int orders;
  private final int rounds;
  private final List<Integer> rtts;
  private final List<RegionsApart.Placement> placements;
  private final PrintStream progress;

  InteractionsApart(
      StackOptions base,
      int orders,
      int rounds,
      List<Integer> rtts,
      List<RegionsApart.Placement> placements,
      PrintStream progress) {
    if (!base.clusters().runsServerProcesses()) {
      throw new BenchCommand.BadSetting(
          "--interactions with --wan runs the transports in processes of their own behind"
              + " Toxiproxy: it needs real servers (--stack real or --stack postgres)");
    }
    this.base = base;
    this.orders = orders;
    this.rounds = rounds;
    this.rtts = List.copyOf(rtts);
    this.placements = List.copyOf(placements);
    this.progress = progress;
  }

  List<Figures> run() throws Exception {
    List<Figures> figures = new ArrayList<>();
    for (RegionsApart.Placement placement : placements) {
      figures.addAll(measure(placement));
    }
    return figures;
  }

  private List<Figures> measure(RegionsApart.Placement placement) throws Exception {
    String label = "interactions apart, " + placement.tag();
    Path dir = base.workDir().resolve("interactions-apart-" + placement.tag());
    StackOptions options =
        StackOptions.forTransport(placement.transport())
            .withFulfillmentTimeout(base.fulfillmentTimeout())
            .withSimulation(new SimulationSettings(STEP, 0.0, 7L))
            .withClusters(base.clusters(), dir);
    List<Figures> figures = new ArrayList<>();
    try (LocalStack stack =
            LocalStack.startWithoutTransport(
                options, step -> progress.println("bench (" + label + "): " + step));
        RegionsApart wan = RegionsApart.start(dir)) {
      String across =
          wan.reach(
              "bench-client-to-eu-west", stack.euWest().endpoint().address(), RegionsApart.US_EAST);
      List<TransportProcess> processes =
          wan.startTransport(stack, placement, List.of(), dir.resolve("transport"));
      try (ClusterConnection euWestFromUsEast =
          ClusterConnection.open(stack.euWest().endpoint().withAddress(across))) {
        for (int rtt : rtts) {
          wan.roundTrip(Duration.ofMillis(rtt));
          Figures measured =
              measureAt(stack, euWestFromUsEast.client(), placement.label(), rtt, label);
          progress.printf(
              "bench (%s): RTT %d ms: forwarded p50 %.0f ms, direct from us-east %.0f ms (%.2f×),"
                  + " inside eu-west %.0f ms (%.2f×)%n",
              label,
              rtt,
              measured.forwarded().millis(50),
              measured.directAcross().millis(50),
              measured.ratioAcross(),
              measured.directInside().millis(50),
              measured.ratioInside());
          figures.add(measured);
        }
      } finally {
        processes.forEach(TransportProcess::close);
      }
    }
    return figures;
  }

  /** Fresh orders per round trip: every change must land before the parcel is packed. */
  private Figures measureAt(
      LocalStack stack, WorkflowClient euWestAcross, String placement, int rtt, String label)
      throws Exception {
    WorkflowClient usEast = stack.usEast().client();
    WorkflowClient euWestInside = stack.euWest().client();
    List<String> orderIds =
        InteractionsBenchmark.placePacking(stack, "interactions-apart-" + rtt, orders);
    progress.printf("bench (%s): RTT %d ms, %d orders packing%n", label, rtt, orders);
    List<Duration> forwarded = new ArrayList<>();
    List<Duration> across = new ArrayList<>();
    List<Duration> inside = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      for (int i = 0; i < orderIds.size(); i++) {
        String orderId = orderIds.get(i);
        String key = "bench-" + rtt + "-" + round;
        // rotate which goes first, so none always meets a warm or a cold path
        for (int turn = 0; turn < 3; turn++) {
          switch ((round + i + turn) % 3) {
            case 0 -> forwarded.add(InteractionsBenchmark.forward(usEast, orderId, key));
            case 1 ->
                across.add(InteractionsBenchmark.direct(euWestAcross, orderId, key + "-across"));
            default ->
                inside.add(InteractionsBenchmark.direct(euWestInside, orderId, key + "-inside"));
          }
        }
      }
      progress.printf("bench (%s): RTT %d ms, round %d/%d%n", label, rtt, round, rounds);
    }
    // the orders' first report (picking), sent while they all started at once: the runs go on
    List<Duration> reports = new ArrayList<>();
    for (String orderId : orderIds) {
      reports.addAll(InteractionsBenchmark.progressLatencies(usEast, orderId));
    }
    return new Figures(
        placement,
        rtt,
        orders,
        new Percentiles(forwarded),
        new Percentiles(across),
        new Percentiles(inside),
        new Percentiles(reports),
        reports.size());
  }

  /** The result as a Markdown document of its own. */
  static String render(List<Figures> figures, String clusters, String commandLine) {
    StringBuilder md = new StringBuilder();
    md.append("# Forwarded updates with the regions apart\n\n")
        .append(
            ("<!-- generated by `%s` — do not edit by hand; run the command again -->%n%n"
                    + "On %s servers, each transport in its recommended placement with every"
                    + " cross-region connection through a Toxiproxy link delayed by half the round"
                    + " trip each way ([benchmarks-wan.md](benchmarks-wan.md)). Per round trip,"
                    + " fresh orders picking in eu-west; each round changes every order's"
                    + " delivery address three times, rotating which goes first: forwarded"
                    + " (us-east's `OrderWorkflow` update → the port → eu-west's"
                    + " `FulfillmentWorkflow` update, verdict back), the same update sent straight"
                    + " to eu-west by a client in us-east (across the WAN, what a caller does"
                    + " without the port), and by a client inside eu-west (no WAN). Progress: each"
                    + " order's first report (picking), sent while all of them started at once,"
                    + " from the workflow task in eu-west that changed the stage to the signal's"
                    + " event in us-east. The"
                    + " goal, forwarded p50 ≤ %.0f × direct p50, is shown against both"
                    + " baselines.%n%n")
                .formatted(commandLine, clusters, InteractionsBenchmark.UPDATE_RATIO_GOAL));
    md.append(
        "| placement | RTT ms | updates each way | forwarded p50 / p99 ms | direct from us-east"
            + " p50 / p99 ms | direct inside eu-west p50 / p99 ms | forwarded ÷ direct from"
            + " us-east | forwarded ÷ direct inside eu-west | progress reports | progress p50 /"
            + " p99 ms |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|\n");
    for (Figures f : figures) {
      md.append(
          "| %s | %d | %d | %.0f / %.0f | %.0f / %.0f | %.0f / %.0f | %.2f | %.2f | %d | %s |\n"
              .formatted(
                  f.placement(),
                  f.rttMillis(),
                  f.forwarded().count(),
                  f.forwarded().millis(50),
                  f.forwarded().millis(99),
                  f.directAcross().millis(50),
                  f.directAcross().millis(99),
                  f.directInside().millis(50),
                  f.directInside().millis(99),
                  f.ratioAcross(),
                  f.ratioInside(),
                  f.progressReports(),
                  f.progressReports() == 0
                      ? "–"
                      : "%.0f / %.0f".formatted(f.progress().millis(50), f.progress().millis(99))));
    }
    return md.toString();
  }
}
