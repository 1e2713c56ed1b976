package io.xcluster.bench;

import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.WorkerFactory;
import io.xcluster.localstack.cli.Percentiles;
import io.xcluster.localstack.cli.ProgressBar;
import io.xcluster.localstack.process.JvmProbe;
import io.xcluster.localstack.stack.ClusterKind;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.localstack.stack.TransportProcess;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CrossClusterTransports;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.euwest.fulfillment.worker.FulfillmentServiceWorker;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentRequest;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentWorkflow;
import io.xcluster.region.euwest.fulfillment.workflow.OrderLine;
import io.xcluster.runtime.launch.TransportLauncher;
import io.xcluster.runtime.launch.TransportLaunchers;
import io.xcluster.testkit.tools.ToolBinary;
import io.xcluster.tracing.ServiceTracing;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
      boolean orderApiOnly) {}

  private static final String DEFAULT_QUEUE = FulfillmentWorkflow.TASK_QUEUE;

  /**
   * A fulfillment queue nobody polls until the in-flight figures are taken: the calls stay open.
   */
  private static final String HELD_QUEUE = "fulfillment-held";

  private static final int START_THREADS = 16;

  /** One way of having a fulfillment done; {@code client} null means the main stack's us-east. */
  private record Variant(String name, ProbeVia via, CallRoute route, WorkflowClient client) {
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
    if (settings.orderApiOnly()) {
      return new StackResult(
          options.clusters(),
          Map.of(),
          Map.of(),
          Map.of(),
          List.of(),
          "--order-api-only",
          orderApi());
    }
    List<TransportLauncher> launchers = runnableLaunchers();
    StackOptions instant = options.withSimulation(SimulationSettings.INSTANT);
    StackOptions all = launchers.size() > 1 ? instant.withAllTransports() : instant;
    Map<String, Percentiles> latency;
    Map<String, Map<String, Double>> hops = new LinkedHashMap<>();
    Map<String, Map<Integer, Double>> throughput = new LinkedHashMap<>();
    try (LocalStack stack =
        LocalStack.start(
            all, step -> progress.println("bench: " + step), ServiceTracing::fromEnvironment)) {
      WorkflowClient usEast = BenchRunProbes.prepare(stack);
      NexusPeer.start(stack, options.clusters());
      List<Variant> variants = new ArrayList<>();
      variants.add(new Variant("IN_CLUSTER_CHILD", ProbeVia.CHILD, null));
      variants.add(new Variant("NEXUS", ProbeVia.NEXUS, null));
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
        Latency rounds = measureLatency(usEast, latencyVariants);
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
        throughput = measureThroughput(usEast, variants);
      }
    }
    List<StackResult.InFlightResult> inFlight = new ArrayList<>();
    String skipped = null;
    if (settings.inFlight() <= 0 || settings.latencyOnly()) {
      skipped = settings.latencyOnly() ? "--latency-only" : "--in-flight 0";
    } else if (options.clusters() != ClusterKind.REAL) {
      skipped =
          "embedded servers park a thread per long poll, so "
              + settings.inFlight()
              + " open calls would measure the test server, not the transport";
    } else {
      List<String> failed = new ArrayList<>();
      for (String transport :
          TransportLaunchers.available().values().stream()
              .filter(TransportLauncher::forProduction)
              .map(TransportLauncher::name)
              .toList()) {
        try {
          inFlight.add(measureInFlight(transport));
        } catch (Exception e) {
          // keep what was measured so far; say what went wrong instead of losing the whole run
          progress.println("bench: in-flight measurement of " + transport + " failed: " + e);
          failed.add(transport + " failed: " + e.getMessage());
        }
      }
      skipped = failed.isEmpty() ? null : String.join("; ", failed);
    }
    return new StackResult(
        options.clusters(), latency, hops, throughput, inFlight, skipped, orderApi());
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
            || options.clusters() == ClusterKind.REAL
            || ToolBinary.NATS_SERVER.isInstalled();
    return TransportLaunchers.available().values().stream()
        .filter(TransportLauncher::forProduction)
        .filter(launcher -> jetStream || !launcher.needsJetStream())
        .toList();
  }

  private static Variant transportVariant(String transport) {
    return new Variant(transport.toUpperCase(), ProbeVia.TRANSPORT, route(transport));
  }

  private static CallRoute route(String transport) {
    return CrossClusterTransports.named(transport).routeTo(LocalStack.EU_WEST);
  }

  private static TransportProcess startProcess(LocalStack stack, String transport, Path dir) {
    TransportLauncher launcher = TransportLaunchers.named(transport);
    return TransportProcess.start(launcher, stack.transportLaunch(launcher), dir);
  }

  private LocalStack startTracedStack() {
    StackOptions traced =
        StackOptions.forTransport(options.transport())
            .withFulfillmentTimeout(options.fulfillmentTimeout());
    if (options.clusters() == ClusterKind.REAL) {
      traced = traced.onRealServers(options.workDir().resolve("traced"));
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

  private static double runConcurrently(
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

  private static WorkflowStub start(
      WorkflowClient usEast, Variant variant, String remoteQueue, String id) {
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

  /**
   * A fresh real stack whose only transport is {@code transport} in a JVM of its own; holds {@link
   * Settings#inFlight()} calls open against a fulfillment queue nobody polls, and measures the
   * transport process idle and holding them, the servers' CPU meanwhile, then how many complete
   * within a minute of their release.
   */
  private StackResult.InFlightResult measureInFlight(String transport) throws Exception {
    Path dir = options.workDir().resolve("in-flight-" + transport);
    StackOptions only =
        StackOptions.forTransport(transport)
            .withFulfillmentTimeout(options.fulfillmentTimeout())
            .onRealServers(dir);
    try (LocalStack stack =
            LocalStack.startWithoutTransport(
                only, step -> progress.println("bench (in flight, " + transport + "): " + step));
        TransportProcess process = startProcess(stack, transport, dir)) {
      WorkflowClient usEast = BenchRunProbes.prepare(stack);
      int threadsIdle = process.liveThreads();
      long heapIdle = process.heapAfterGcBytes();
      Variant variant = transportVariant(transport);

      long holdStarted = System.nanoTime();
      startHeldCalls(usEast, variant);
      awaitCount(
          stack.euWest().client(),
          "WorkflowType = '" + FulfillmentWorkflow.TYPE + "' AND TaskQueue = '" + HELD_QUEUE + "'",
          settings.inFlight(),
          "remote runs started and held by the " + transport);
      double secondsToHold = (System.nanoTime() - holdStarted) / 1e9;
      Thread.sleep(
          5_000); // let heartbeats / in-progress acks run a few rounds with everything open
      long usEastPid = stack.clusters().usEastServer().pid();
      long euWestPid = stack.clusters().euWestServer().pid();
      long ticksBefore = process.cpuTicks();
      long usEastBefore = JvmProbe.cpuTicks(usEastPid);
      long euWestBefore = JvmProbe.cpuTicks(euWestPid);
      Thread.sleep(settings.holdWindow().toMillis());
      double cpuPercent = percentOfOneCore(process.cpuTicks() - ticksBefore);
      double usEastCpu = percentOfOneCore(JvmProbe.cpuTicks(usEastPid) - usEastBefore);
      double euWestCpu = percentOfOneCore(JvmProbe.cpuTicks(euWestPid) - euWestBefore);
      int threadsHeld = process.liveThreads();
      long heapHeld = process.heapAfterGcBytes();
      String pools =
          JvmProbe.threadsByPool(process.pid()).entrySet().stream()
              .limit(8)
              .map(e -> e.getKey() + " ×" + e.getValue())
              .collect(java.util.stream.Collectors.joining(", "));
      progress.println("bench: " + transport + " process threads while holding, by pool: " + pools);

      // Released: how many complete within a minute (draining all of them takes long on one
      // 2-core machine running both servers; the fault tests prove that every call completes).
      WorkerFactory drain =
          FulfillmentServiceWorker.start(stack.euWest(), SimulationSettings.INSTANT, HELD_QUEUE);
      stack.stopWithStack(drain::shutdownNow);
      Thread.sleep(60_000);
      int completed =
          (int)
              count(
                  usEast,
                  "WorkflowType = 'FulfillmentProbeWorkflow' AND ExecutionStatus = 'Completed'");
      return new StackResult.InFlightResult(
          transport,
          settings.inFlight(),
          threadsIdle,
          threadsHeld,
          heapIdle,
          heapHeld,
          cpuPercent,
          usEastCpu,
          euWestCpu,
          secondsToHold,
          completed,
          pools);
    }
  }

  /** /proc reports CPU time in clock ticks of 1/100 s on Linux. */
  private double percentOfOneCore(long ticks) {
    return ticks / (settings.holdWindow().toMillis() / 10.0) * 100.0;
  }

  private static long count(WorkflowClient client, String query) {
    return client
        .getWorkflowServiceStubs()
        .blockingStub()
        .countWorkflowExecutions(
            CountWorkflowExecutionsRequest.newBuilder()
                .setNamespace(LocalStack.NAMESPACE)
                .setQuery(query)
                .build())
        .getCount();
  }

  private void startHeldCalls(WorkflowClient usEast, Variant variant) throws Exception {
    ProgressBar bar =
        new ProgressBar(
            progress,
            settings.inFlight(),
            "calls started (" + variant.name().toLowerCase() + ", held)");
    AtomicInteger started = new AtomicInteger();
    ExecutorService starting = Executors.newFixedThreadPool(START_THREADS);
    try {
      List<java.util.concurrent.Future<?>> pending = new ArrayList<>();
      for (int i = 0; i < settings.inFlight(); i++) {
        String id = "held-" + i;
        pending.add(
            starting.submit(
                () -> {
                  start(usEast, variant, HELD_QUEUE, id);
                  int n = started.incrementAndGet();
                  if (n % 100 == 0) {
                    bar.update(n);
                  }
                }));
      }
      for (java.util.concurrent.Future<?> future : pending) {
        future.get();
      }
      bar.update(settings.inFlight());
    } finally {
      starting.shutdownNow();
    }
  }

  /** Waits until a visibility count reaches {@code expected}, showing progress. */
  private void awaitCount(WorkflowClient client, String query, int expected, String what)
      throws InterruptedException {
    ProgressBar bar = new ProgressBar(progress, expected, what);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
    while (true) {
      long count = count(client, query);
      bar.update((int) Math.min(count, expected));
      if (count >= expected) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "only " + count + " of " + expected + " " + what + " within 30 minutes");
      }
      Thread.sleep(1_000);
    }
  }
}
