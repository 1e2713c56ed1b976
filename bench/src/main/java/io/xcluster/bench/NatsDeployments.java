package io.xcluster.bench;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.xcluster.localstack.cli.Percentiles;
import io.xcluster.localstack.cli.ProgressBar;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.localstack.stack.TransportProcess;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.runtime.launch.TransportLaunch;
import io.xcluster.runtime.launch.TransportLauncher;
import io.xcluster.runtime.launch.TransportLaunchers;
import io.xcluster.testkit.nats.LocalNatsCluster;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The NATS transport on three deployments of nats-server v2.15 side by side in one run, on one
 * Temporal stack: a single node with the default sync (every 2 min, the quick try), a single node
 * with {@code sync_interval: always} (what the fsync costs), and a 3-node cluster with R3 streams
 * and {@code sync_interval: always} (what production runs). For each, the broker alone (publishes
 * acknowledged, one at a time and 50 outstanding) and a whole fulfillment through the coordinator
 * in a process of its own, with an in-cluster child measured in the same block as the reference.
 * Deployments run in blocks, ABC then CBA, so that drift on a shared machine hits each alike.
 */
final class NatsDeployments {

  /** One deployment's block, measured on both passes. */
  record Deployment(String label, LocalNatsCluster.Shape shape) {}

  static final List<Deployment> DEPLOYMENTS =
      List.of(
          new Deployment(
              "1 node, default sync (every 2 min)", new LocalNatsCluster.Shape(1, false)),
          new Deployment("1 node, sync_interval: always", new LocalNatsCluster.Shape(1, true)),
          new Deployment(
              "3 nodes, R3 streams, sync_interval: always", LocalNatsCluster.Shape.PRODUCTION));

  /** Publishes timed one at a time per pass, and published with 50 outstanding. */
  static final int SEQUENTIAL_PUBLISHES = 500;

  static final int ASYNC_PUBLISHES = 5_000;
  static final int ASYNC_OUTSTANDING = 50;
  static final int CONCURRENCY = 50;
  private static final byte[] PUBLISH_BODY = new byte[512];

  /** One deployment's figures, both passes merged. */
  record Figures(
      Deployment deployment,
      Percentiles publish,
      double publishesPerSecond,
      Percentiles fulfillment,
      Percentiles child,
      double fulfillmentsPerSecond,
      double childPerSecond) {

    double latencyOverChild() {
      return fulfillment.millis(50) / child.millis(50);
    }

    double throughputOverChild() {
      return fulfillmentsPerSecond / childPerSecond;
    }
  }

  private final StackOptions options;
  private final BenchRun.Settings settings;
  private final PrintStream progress;

  NatsDeployments(StackOptions options, BenchRun.Settings settings, PrintStream progress) {
    this.options = options;
    this.settings = settings;
    this.progress = progress;
  }

  List<Figures> run() throws Exception {
    if (!options.clusters().runsServerProcesses()) {
      throw new BenchCommand.BadSetting(
          "--nats-deployments runs the coordinator in a process of its own: it needs real servers"
              + " (--stack real or --stack postgres)");
    }
    Path dir = options.workDir().resolve("nats-deployments");
    TransportLauncher launcher = jetStreamTransport();
    StackOptions stackOptions =
        StackOptions.forTransport(launcher.name())
            .withSimulation(SimulationSettings.INSTANT)
            .withFulfillmentTimeout(options.fulfillmentTimeout())
            .withClusters(options.clusters(), dir);
    Map<Deployment, Samples> samples = new LinkedHashMap<>();
    DEPLOYMENTS.forEach(d -> samples.put(d, new Samples()));
    try (LocalStack stack =
        LocalStack.startWithoutTransport(
            stackOptions, step -> progress.println("bench (nats deployments): " + step))) {
      WorkflowClient usEast = BenchRunProbes.prepare(stack);
      List<Deployment> order = new ArrayList<>(DEPLOYMENTS);
      for (int pass = 0; pass < 2; pass++) {
        for (Deployment deployment : order) {
          measureBlock(stack, usEast, launcher, deployment, pass, dir, samples.get(deployment));
        }
        java.util.Collections.reverse(order);
      }
    }
    List<Figures> figures = new ArrayList<>();
    samples.forEach((deployment, seen) -> figures.add(seen.figures(deployment)));
    return figures;
  }

  /** What a deployment's blocks collected. */
  private static final class Samples {
    final List<Duration> publish = new ArrayList<>();
    final List<Double> publishRates = new ArrayList<>();
    final List<Duration> fulfillment = new ArrayList<>();
    final List<Duration> child = new ArrayList<>();
    final List<Double> fulfillmentRates = new ArrayList<>();
    final List<Double> childRates = new ArrayList<>();

    Figures figures(Deployment deployment) {
      return new Figures(
          deployment,
          new Percentiles(publish),
          mean(publishRates),
          new Percentiles(fulfillment),
          new Percentiles(child),
          mean(fulfillmentRates),
          mean(childRates));
    }

    private static double mean(List<Double> values) {
      return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }
  }

  private void measureBlock(
      LocalStack stack,
      WorkflowClient usEast,
      TransportLauncher launcher,
      Deployment deployment,
      int pass,
      Path dir,
      Samples samples)
      throws Exception {
    String tag = "pass " + (pass + 1) + ", " + deployment.label();
    progress.println(
        "bench (nats deployments): " + tag + ": starting " + deployment.shape().describe());
    try (LocalNatsCluster nats = LocalNatsCluster.startThrowAway(deployment.shape(), List.of())) {
      measurePublishes(nats, deployment, samples);
      progress.printf(
          "bench (nats deployments): %s: publish p50 %.2f ms, %.0f/s with %d outstanding%n",
          tag,
          new Percentiles(samples.publish).millis(50),
          samples.publishRates.get(samples.publishRates.size() - 1),
          ASYNC_OUTSTANDING);
      TransportLaunch launch = stack.transportLaunch(launcher).withNatsUrl(nats.url());
      Path processDir = dir.resolve("pass" + (pass + 1) + "-" + deployment.shape().nodes());
      try (TransportProcess coordinator =
          TransportProcess.start(launcher, launch, List.of(), processDir)) {
        measureFulfillments(usEast, launcher, tag, samples);
      }
    }
  }

  /** The transport that runs on JetStream (the stack and benchmark name none themselves). */
  static TransportLauncher jetStreamTransport() {
    return TransportLaunchers.available().values().stream()
        .filter(TransportLauncher::forProduction)
        .filter(TransportLauncher::needsJetStream)
        .findFirst()
        .orElseThrow(
            () ->
                new BenchCommand.BadSetting(
                    "--nats-deployments: no transport on the class path runs on JetStream"));
  }

  /** The broker alone: a stream like the calls stream, publishes with a message id each. */
  private void measurePublishes(LocalNatsCluster nats, Deployment deployment, Samples samples)
      throws Exception {
    try (Connection connection =
        Nats.connect(new Options.Builder().servers(nats.url().split(",")).build())) {
      JetStreamManagement management = connection.jetStreamManagement();
      management.addStream(
          StreamConfiguration.builder()
              .name("BENCH_PUBLISH")
              .subjects("bench.publish.>")
              .storageType(StorageType.File)
              .replicas(deployment.shape().nodes())
              .duplicateWindow(Duration.ofMinutes(2))
              .build());
      JetStream jetStream = connection.jetStream();
      for (int i = 0; i < SEQUENTIAL_PUBLISHES; i++) {
        long started = System.nanoTime();
        publish(jetStream, "seq-" + i);
        samples.publish.add(Duration.ofNanos(System.nanoTime() - started));
      }
      Semaphore outstanding = new Semaphore(ASYNC_OUTSTANDING);
      List<CompletableFuture<PublishAck>> acks = new ArrayList<>(ASYNC_PUBLISHES);
      long started = System.nanoTime();
      for (int i = 0; i < ASYNC_PUBLISHES; i++) {
        outstanding.acquire();
        CompletableFuture<PublishAck> ack =
            jetStream.publishAsync(
                "bench.publish.calls",
                PUBLISH_BODY,
                PublishOptions.builder().messageId("async-" + i).build());
        ack.whenComplete((a, e) -> outstanding.release());
        acks.add(ack);
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
      samples.publishRates.add(ASYNC_PUBLISHES / ((System.nanoTime() - started) / 1e9));
      management.deleteStream("BENCH_PUBLISH");
    }
  }

  private static void publish(JetStream jetStream, String id) throws Exception {
    jetStream.publish(
        "bench.publish.calls", PUBLISH_BODY, PublishOptions.builder().messageId(id).build());
  }

  /**
   * Sequential fulfillments, the NATS transport and an in-cluster child alternating; then each at
   * concurrency {@value #CONCURRENCY}.
   */
  private void measureFulfillments(
      WorkflowClient usEast, TransportLauncher launcher, String tag, Samples samples)
      throws Exception {
    BenchRun.Variant nats = BenchRun.transportVariant(launcher.name());
    BenchRun.Variant child = new BenchRun.Variant("IN_CLUSTER_CHILD", ProbeVia.CHILD, null);
    int rounds = settings.warmup() + settings.samples();
    ProgressBar bar = new ProgressBar(progress, rounds, tag + ": latency rounds");
    for (int round = 0; round < rounds; round++) {
      for (BenchRun.Variant variant :
          round % 2 == 0 ? List.of(nats, child) : List.of(child, nats)) {
        long started = System.nanoTime();
        WorkflowStub probe = BenchRun.start(usEast, variant, BenchRun.DEFAULT_QUEUE, "nd-" + round);
        probe.getResult(60, TimeUnit.SECONDS, String.class);
        if (round >= settings.warmup()) {
          (variant == nats ? samples.fulfillment : samples.child)
              .add(Duration.ofNanos(System.nanoTime() - started));
        }
      }
      bar.update(round + 1);
    }
    if (settings.latencyOnly()) {
      return;
    }
    int calls = settings.callsPerLevel() > 0 ? settings.callsPerLevel() : 4 * CONCURRENCY;
    double natsRate = BenchRun.runConcurrently(usEast, nats, CONCURRENCY, calls, "nd-tp");
    double childRate = BenchRun.runConcurrently(usEast, child, CONCURRENCY, calls, "nd-tpc");
    samples.fulfillmentRates.add(natsRate);
    samples.childRates.add(childRate);
    progress.printf(
        "bench (nats deployments): %s: at c=%d NATS %.1f/s, child %.1f/s%n",
        tag, CONCURRENCY, natsRate, childRate);
  }

  /** The figures as a Markdown document of their own. */
  static String render(List<Figures> figures, String clusters, String commandLine) {
    StringBuilder md = new StringBuilder();
    md.append("# The NATS transport on three NATS deployments\n\n")
        .append(
            ("Generated by `%s` on %s servers. nats-server v2.15.2 on loopback in each"
                    + " deployment; the coordinator (both sides) in a process of its own; blocks"
                    + " ABC then CBA in one run on one Temporal stack, an in-cluster child measured"
                    + " in the same blocks as the reference. *Publish*: the broker alone, a 512-byte"
                    + " message with a `Nats-Msg-Id` to a file-backed stream with as many replicas"
                    + " as nodes, acknowledged (%d one at a time per block, then %,d with %d"
                    + " outstanding). *Fulfillment*: a whole cross-cluster call through the NATS"
                    + " transport, start to outcome.\n\n")
                .formatted(
                    commandLine,
                    clusters,
                    SEQUENTIAL_PUBLISHES,
                    ASYNC_PUBLISHES,
                    ASYNC_OUTSTANDING));
    boolean throughput = figures.stream().anyMatch(f -> f.childPerSecond() > 0);
    md.append(
        "| deployment | publish p50 ms | publish p99 ms | publishes/s (%d outstanding) | n |"
                .formatted(ASYNC_OUTSTANDING)
            + " fulfillment p50 ms | p99 ms | p50 / child |");
    if (throughput) {
      md.append(" c=%d per s | c=%d / child |".formatted(CONCURRENCY, CONCURRENCY));
    }
    md.append("\n|---|---|---|---|---|---|---|---|").append(throughput ? "---|---|" : "");
    md.append('\n');
    for (Figures f : figures) {
      md.append(
          "| %s | %.2f | %.2f | %,.0f | %d | %.1f | %.1f | %.2f |"
              .formatted(
                  f.deployment().label(),
                  f.publish().millis(50),
                  f.publish().millis(99),
                  f.publishesPerSecond(),
                  f.fulfillment().count(),
                  f.fulfillment().millis(50),
                  f.fulfillment().millis(99),
                  f.latencyOverChild()));
      if (throughput) {
        md.append(" %.1f | %.2f |".formatted(f.fulfillmentsPerSecond(), f.throughputOverChild()));
      }
      md.append('\n');
    }
    Figures single = figures.get(0);
    Figures synced = figures.get(1);
    Figures cluster = figures.get(2);
    md.append(
        ("\nWhat `sync_interval: always` costs a publish on one node: p50 %.2f → %.2f ms (×%.1f);"
                + " publishes per second ×%.2f. What the cluster adds to that (R3: a quorum of two"
                + " nodes acknowledges each write): p50 ×%.1f, publishes per second ×%.2f. A"
                + " fulfillment publishes twice (the call, the outcome); at p50 it took %+.1f ms"
                + " on the cluster against the quick-try single node (the Temporal side's"
                + " variation between blocks is of the same order: compare the p50 / child"
                + " column).\n")
            .formatted(
                single.publish().millis(50),
                synced.publish().millis(50),
                synced.publish().millis(50) / single.publish().millis(50),
                synced.publishesPerSecond() / single.publishesPerSecond(),
                cluster.publish().millis(50) / synced.publish().millis(50),
                cluster.publishesPerSecond() / synced.publishesPerSecond(),
                cluster.fulfillment().millis(50) - single.fulfillment().millis(50)));
    return md.toString();
  }
}
