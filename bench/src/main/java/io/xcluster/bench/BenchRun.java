package io.xcluster.bench;

import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.xcluster.localstack.cli.Percentiles;
import io.xcluster.localstack.cli.ProgressBar;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CrossClusterTransports;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentRequest;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentWorkflow;
import io.xcluster.region.euwest.fulfillment.workflow.OrderLine;
import io.xcluster.runtime.launch.TransportLauncher;
import io.xcluster.runtime.launch.TransportLaunchers;
import io.xcluster.testkit.tools.ToolBinary;
import io.xcluster.tracing.ServiceTracing;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One stack's benchmark: latency (sequential, variants rotated round by round), throughput at each
 * concurrency level (variants rotated per level), then — on real servers — many calls held open by
 * each transport in a process of its own.
 */
final class BenchRun {

  /** Settings of a run. */
  record Settings(
      int samples,
      int warmup,
      List<Integer> concurrency,
      int callsPerLevel,
      int inFlight,
      Duration holdWindow,
      boolean tracingOverhead,
      boolean latencyOnly,
      int orderApi,
      boolean orderApiOnly,
      boolean inFlightOnly,
      List<String> inFlightModes) {}

  static final String DEFAULT_QUEUE = FulfillmentWorkflow.TASK_QUEUE;

  /** One way of having a fulfillment done; {@code client} null means the main stack's us-east. */
  record Variant(String name, ProbeVia via, CallRoute route, WorkflowClient client) {
    Variant(String name, ProbeVia via, CallRoute route) {
      this(name, via, route, null);
    }

    WorkflowClient clientOr(WorkflowClient usEast) {
      return client == null ? usEast : client;
    }
  }

  private final StackOptions options;
  private final Settings settings;
  private final PrintStream progress;

  BenchRun(StackOptions options, Settings settings, PrintStream progress) {
    this.options = options;
    this.settings = settings;
    this.progress = progress;
  }

  StackResult run() throws Exception {
    if (settings.inFlightOnly()) {
      return heldCallsOnly();
    }
    if (settings.orderApiOnly()) {
      return new StackResult(
          options.clusters(),
          Map.of(),
          Map.of(),
          Map.of(),
          List.of(),
          "--order-api-only",
          orderApi(),
          Map.of());
    }
    List<TransportLauncher> launchers = runnableLaunchers();
    StackOptions instant = options.withSimulation(SimulationSettings.INSTANT);
    StackOptions all = launchers.size() > 1 ? instant.withAllTransports() : instant;
    Map<String, Percentiles> latency;
    Map<String, Map<String, Double>> hops = new LinkedHashMap<>();
    Map<String, Map<Integer, Double>> throughput = new LinkedHashMap<>();
    Map<String, String> serverSide = new LinkedHashMap<>();
    try (LocalStack stack =
        LocalStack.start(
            all, step -> progress.println("bench: " + step), ServiceTracing::fromEnvironment)) {
      WorkflowClient usEast = BenchRunProbes.prepare(stack);
      List<Variant> variants = new ArrayList<>();
      variants.add(new Variant("IN_CLUSTER_CHILD", ProbeVia.CHILD, null));
      if (NexusPeer.runsOn(options.clusters())) {
        NexusPeer.start(stack, options.clusters());
        variants.add(new Variant("NEXUS", ProbeVia.NEXUS, null));
      }
      for (TransportLauncher launcher : launchers) {
        variants.add(transportVariant(launcher.name()));
      }
      List<Variant> latencyVariants = new ArrayList<>(variants);
      LocalStack traced = settings.tracingOverhead() ? startTracedStack() : null;
      try {
        if (traced != null) {
          latencyVariants.add(
              new Variant(
                  options.transport().toUpperCase() + "_TRACED",
                  ProbeVia.TRANSPORT,
                  route(options.transport()),
                  BenchRunProbes.prepare(traced)));
        }
        ServerScrapes beforeLatency = ServerScrapes.of(stack);
        Latency rounds = measureLatency(usEast, latencyVariants);
        beforeLatency.describeInto(serverSide, "latency rounds");
        latency = rounds.percentiles();
        for (Variant variant : variants) {
          List<double[]> measured = new ArrayList<>();
          for (String probeId : rounds.lastProbeIds().getOrDefault(variant.name(), List.of())) {
            HopBreakdown.of(
                    usEast,
                    variant.via() == ProbeVia.TRANSPORT ? stack.euWest().client() : usEast,
                    probeId)
                .ifPresent(measured::add);
          }
          if (!measured.isEmpty()) {
            hops.put(variant.name(), HopBreakdown.medians(measured));
          }
        }
      } finally {
        if (traced != null) {
          traced.close();
        }
      }
      if (!settings.latencyOnly()) {
        ServerScrapes beforeThroughput = ServerScrapes.of(stack);
        throughput = measureThroughput(usEast, variants);
        beforeThroughput.describeInto(serverSide, "throughput levels");
      }
    }
    return heldCalls(latency, hops, throughput, orderApi(), serverSide);
  }

  /** --in-flight-only: the held calls of the selected modes, nothing else. */
  private StackResult heldCallsOnly() throws Exception {
    return heldCalls(Map.of(), Map.of(), Map.of(), null, Map.of());
  }

  private StackResult heldCalls(
      Map<String, Percentiles> latency,
      Map<String, Map<String, Double>> hops,
      Map<String, Map<Integer, Double>> throughput,
      StackResult.OrderApiResult orderApi,
      Map<String, String> serverSide)
      throws Exception {
    List<StackResult.InFlightResult> inFlight = new ArrayList<>();
    String skipped = null;
    if (settings.inFlight() <= 0 || settings.latencyOnly()) {
      skipped = settings.latencyOnly() ? "--latency-only" : "--in-flight 0";
    } else if (!options.clusters().runsServerProcesses()) {
      skipped =
          "embedded servers park a thread per long poll, so "
              + settings.inFlight()
              + " open calls would measure the test server, not the transport";
    } else {
      List<String> failed = new ArrayList<>();
      HeldCalls held = new HeldCalls(options, settings, progress);
      for (HeldCalls.Mode mode : HeldCalls.modes(settings.inFlightModes())) {
        try {
          inFlight.add(held.measure(mode));
        } catch (Exception e) {
          // keep what was measured so far; say what went wrong instead of losing the whole run
          progress.println("bench: in-flight measurement of " + mode.label() + " failed: " + e);
          failed.add(mode.label() + " failed: " + e.getMessage());
        }
      }
      skipped = failed.isEmpty() ? null : String.join("; ", failed);
    }
    return new StackResult(
        options.clusters(), latency, hops, throughput, inFlight, skipped, orderApi, serverSide);
  }

  /** The order API under load on a stack of its own (null with --order-api 0 or --latency-only). */
  private StackResult.OrderApiResult orderApi() throws Exception {
    if (settings.orderApi() <= 0 || settings.latencyOnly()) {
      return null;
    }
    return new OrderApiLoad(options, settings.orderApi(), progress).run();
  }

  /**
   * A second, identical stack (the selected transport only) whose services all trace, spans batched
   * to an exporter that drops them.
   */
  /**
   * The transports on the class path this machine can run: one that needs JetStream only with
   * {@code --nats-url}, real servers (whose stack brings a nats-server) or a nats-server installed.
   */
  private List<TransportLauncher> runnableLaunchers() {
    boolean jetStream =
        options.natsUrl() != null
            || options.clusters().runsServerProcesses()
            || ToolBinary.NATS_SERVER.isInstalled();
    return TransportLaunchers.available().values().stream()
        .filter(TransportLauncher::forProduction)
        .filter(launcher -> jetStream || !launcher.needsJetStream())
        .toList();
  }

  static Variant transportVariant(String transport) {
    return new Variant(transport.toUpperCase(), ProbeVia.TRANSPORT, route(transport));
  }

  private static CallRoute route(String transport) {
    return CrossClusterTransports.named(transport).routeTo(LocalStack.EU_WEST);
  }

  private LocalStack startTracedStack() {
    StackOptions traced =
        StackOptions.forTransport(options.transport())
            .withFulfillmentTimeout(options.fulfillmentTimeout());
    if (options.clusters().runsServerProcesses()) {
      traced = traced.withClusters(options.clusters(), options.workDir().resolve("traced"));
    }
    return LocalStack.start(
        traced,
        step -> progress.println("bench (traced): " + step),
        name ->
            ServiceTracing.exportingTo(
                name, BatchSpanProcessor.builder(SpanExporter.composite()).build()));
  }

  private static final int HOP_SAMPLES = 30;

  /**
   * What the latency rounds measured: per variant its percentiles, and its last probes' workflow
   * ids (at most {@value #HOP_SAMPLES}) for the hop breakdown.
   */
  private record Latency(
      Map<String, Percentiles> percentiles, Map<String, List<String>> lastProbeIds) {}

  private Latency measureLatency(WorkflowClient usEast, List<Variant> variants) throws Exception {
    Map<String, List<String>> lastProbeIds = new LinkedHashMap<>();
    Map<String, List<Duration>> measured = new LinkedHashMap<>();
    ProgressBar bar =
        new ProgressBar(progress, settings.warmup() + settings.samples(), "latency rounds");
    for (int round = 0; round < settings.warmup() + settings.samples(); round++) {
      // rotate which variant goes first, so that none always runs on a warmer machine
      for (int i = 0; i < variants.size(); i++) {
        Variant variant = variants.get((round + i) % variants.size());
        long started = System.nanoTime();
        WorkflowStub probe =
            start(variant.clientOr(usEast), variant, DEFAULT_QUEUE, "lat-" + round);
        probe.getResult(60, TimeUnit.SECONDS, String.class);
        if (round >= settings.warmup()) {
          measured
              .computeIfAbsent(variant.name(), v -> new ArrayList<>())
              .add(Duration.ofNanos(System.nanoTime() - started));
          if (round >= settings.warmup() + settings.samples() - HOP_SAMPLES) {
            lastProbeIds
                .computeIfAbsent(variant.name(), v -> new ArrayList<>())
                .add(probe.getExecution().getWorkflowId());
          }
        }
      }
      bar.update(round + 1);
    }
    Map<String, Percentiles> result = new LinkedHashMap<>();
    variants.forEach(v -> result.put(v.name(), new Percentiles(measured.get(v.name()))));
    return new Latency(result, lastProbeIds);
  }

  /**
   * Per level, each variant in turn (rotated): N fulfillments with at most {@code c} open at once;
   * fulfillments per second.
   */
  private Map<String, Map<Integer, Double>> measureThroughput(
      WorkflowClient usEast, List<Variant> variants) throws Exception {
    Map<String, Map<Integer, Double>> result = new LinkedHashMap<>();
    variants.forEach(v -> result.put(v.name(), new LinkedHashMap<>()));
    int levelIndex = 0;
    for (int concurrency : settings.concurrency()) {
      int calls =
          settings.callsPerLevel() > 0 ? settings.callsPerLevel() : Math.max(40, 4 * concurrency);
      ProgressBar bar =
          new ProgressBar(
              progress,
              variants.size(),
              "variants at concurrency " + concurrency + " (" + calls + " each)");
      bar.update(0);
      for (int i = 0; i < variants.size(); i++) {
        Variant variant = variants.get((levelIndex + i) % variants.size());
        result
            .get(variant.name())
            .put(
                concurrency,
                runConcurrently(usEast, variant, concurrency, calls, "tp" + concurrency));
        bar.update(i + 1);
      }
      levelIndex++;
    }
    return result;
  }

  static double runConcurrently(
      WorkflowClient usEast, Variant variant, int concurrency, int calls, String tag)
      throws Exception {
    Semaphore open = new Semaphore(concurrency);
    List<CompletableFuture<String>> results = new ArrayList<>(calls);
    long started = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      open.acquire();
      CompletableFuture<String> result =
          start(usEast, variant, DEFAULT_QUEUE, tag + "-" + i).getResultAsync(String.class);
      result.whenComplete((r, e) -> open.release());
      results.add(result);
    }
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
    return calls / (Duration.ofNanos(System.nanoTime() - started).toNanos() / 1e9);
  }

  static WorkflowStub start(WorkflowClient usEast, Variant variant, String remoteQueue, String id) {
    String workflowId =
        "bench-" + variant.name().toLowerCase() + "-" + id + "-" + System.nanoTime();
    WorkflowStub stub =
        usEast.newUntypedWorkflowStub(
            "FulfillmentProbeWorkflow",
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(FulfillmentProbeWorkflow.TASK_QUEUE)
                .build());
    stub.start(
        new ProbeRequest(
            variant.via(),
            variant.route(),
            remoteQueue,
            new FulfillmentRequest(workflowId, List.of(new OrderLine("SKU-001", 1)), "DE")));
    return stub;
  }
}
