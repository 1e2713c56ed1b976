package io.xcluster.localstack.bench;

import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.WorkerFactory;
import io.xcluster.fulfillment.warehouse.SimulationSettings;
import io.xcluster.fulfillment.worker.FulfillmentServiceWorker;
import io.xcluster.fulfillment.workflow.FulfillmentRequest;
import io.xcluster.fulfillment.workflow.OrderLine;
import io.xcluster.localstack.cli.Percentiles;
import io.xcluster.localstack.cli.ProgressBar;
import io.xcluster.localstack.cli.StackMixin;
import io.xcluster.localstack.stack.ClusterKind;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.TransportProcess;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.transport.bridge.BridgeTransport;
import java.io.PrintWriter;
import java.io.StringWriter;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.transport.nats.LocalNatsServer;
import io.xcluster.transport.nats.NatsTransport;
import io.xcluster.tracing.ServiceTracing;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.LinkedHashMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Measures, side by side in one run, what crossing clusters costs: a fulfillment as an in-cluster
 * child workflow (the baseline) against the same fulfillment through the transport, alternating
 * the two so that machine drift hits both alike; then holds many calls in flight and counts the
 * threads and heap they take.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Latency of a cross-cluster fulfillment vs. an in-cluster child workflow, and the cost of calls in flight.")
public final class BenchCommand implements Callable<Integer> {

  /** eu-west's own fulfillment queue, served by its worker. */
  private static final String DEFAULT_QUEUE = "fulfillment";
  /** A fulfillment queue nobody polls until the in-flight count is taken: the calls stay open. */
  private static final String HELD_QUEUE = "fulfillment-held";
  /** The queue of the bridge in its own process, measured apart from the in-JVM bridge. */
  private static final String HELD_BRIDGE_QUEUE = "bridge-bench-to-eu-west";
  private static final CallRoute HELD_ROUTE = new CallRoute(BridgeTransport.NAME, HELD_BRIDGE_QUEUE, BridgeTransport.HEARTBEAT_TIMEOUT, true);

  @Option(names = "--tracing-overhead", description = "Also run a second stack with tracing on (spans dropped after batching) and compare the bridged p50.")
  boolean tracingOverhead;

  @Mixin StackMixin stack;

  @Option(names = "--samples", defaultValue = "200", description = "Measured fulfillments per variant (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--warmup", defaultValue = "30", description = "Unmeasured fulfillments per variant first (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--in-flight", defaultValue = "1000", description = "Calls held in flight for the thread count; 0 skips it (default: ${DEFAULT-VALUE}).")
  int inFlight;

  @Option(names = "--report", description = "Also write the results as a Markdown page to this file (e.g. docs/benchmarks.md).")
  Path report;

  /** Everything printed on stdout is also kept for the report. */
  private final StringWriter results = new StringWriter();
  private final PrintWriter out = new PrintWriter(new TeeWriter(results), true);

  /** One way of having a fulfillment done, measured against the others. */
  private record Variant(String name, WorkflowClient client, CallRoute route, String remoteQueue) {}

  @Override
  public Integer call() throws Exception {
    if (samples < 1 || warmup < 0 || inFlight < 0) {
      throw new IllegalArgumentException("--samples must be ≥ 1, --warmup and --in-flight ≥ 0");
    }
    StackOptions base = stack.toOptions();
    boolean withNats = base.natsUrl() != null || LocalNatsServer.binaryAvailable();
    StackOptions options = new StackOptions(base.usEastPort(), base.euWestPort(), BridgeTransport.NAME, base.fulfillmentTimeout(),
        base.simulation(), base.natsUrl(), withNats, base.clusters(), base.workDir());
    Path bridgeDir = Files.createTempDirectory("bench-bridge-");
    try (LocalStack running = LocalStack.start(options, step -> System.err.println("bench: " + step), ServiceTracing::fromEnvironment);
        LocalStack traced = tracingOverhead ? startTracedStack(options) : null;
        TransportProcess bridge = TransportProcess.bridge(running.usEast().endpoint(), running.euWest().endpoint(), HELD_BRIDGE_QUEUE, bridgeDir)) {
      List<Variant> variants = new ArrayList<>();
      variants.add(new Variant("IN_CLUSTER_CHILD", prepare(running), null, DEFAULT_QUEUE));
      variants.add(new Variant("BRIDGE", running.usEast().client(), new BridgeTransport().routeTo(LocalStack.EU_WEST), DEFAULT_QUEUE));
      if (withNats) {
        variants.add(new Variant("NATS", running.usEast().client(), new NatsTransport().routeTo(LocalStack.EU_WEST), DEFAULT_QUEUE));
      }
      if (traced != null) {
        variants.add(new Variant("BRIDGE_TRACED", prepare(traced), new BridgeTransport().routeTo(LocalStack.EU_WEST), DEFAULT_QUEUE));
      }

      out.printf("bench: %d samples per variant after %d warm-up; %s; transports in the benchmark's JVM%s; Java %s, %d cores%n",
          samples, warmup, clustersInWords(options), withNats ? "" : " (NATS skipped: no nats-server)", System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors());
      Map<String, Percentiles> latency = measureLatency(variants);
      printLatency(latency);
      if (inFlight > 0) {
        measureInFlight(running, bridge);
      }
    }
    if (report != null) {
      writeReport(options);
    }
    return 0;
  }

  /** A second, identical stack whose services all trace (spans batched to an exporter that drops them). */
  private static LocalStack startTracedStack(StackOptions options) {
    StackOptions freePorts = new StackOptions(0, 0, BridgeTransport.NAME, options.fulfillmentTimeout(), options.simulation());
    if (options.clusters() == ClusterKind.REAL) {
      freePorts = freePorts.onRealServers(options.workDir().resolve("traced"));
    }
    return LocalStack.start(freePorts, step -> System.err.println("bench (traced): " + step),
        name -> ServiceTracing.exportingTo(name, BatchSpanProcessor.builder(SpanExporter.composite()).build()));
  }

  /** Adds the baseline's fulfillment worker (in us-east itself) and the probe worker to a stack; its us-east client. */
  private static WorkflowClient prepare(LocalStack running) {
    WorkerFactory baseline = FulfillmentServiceWorker.start(running.usEast(), SimulationSettings.INSTANT);
    running.stopWithStack(baseline::shutdownNow);
    WorkerFactory probes = running.usEast().newWorkerFactory();
    probes.newWorker(FulfillmentProbeWorkflow.TASK_QUEUE).registerWorkflowImplementationFactory(
        FulfillmentProbeWorkflow.class, () -> new FulfillmentProbeWorkflowImpl(LocalStack.US_EAST, running.fulfillmentTarget()));
    probes.start();
    running.stopWithStack(probes::shutdownNow);
    return running.usEast().client();
  }

  private static String clustersInWords(StackOptions options) {
    return options.clusters() == ClusterKind.REAL
        ? "real Temporal servers (temporal server start-dev, server v1.29.1, SQLite) and a real nats-server, each a process of its own"
        : "embedded Java test servers in the benchmark's JVM";
  }

  private void writeReport(StackOptions options) throws Exception {
    String page = """
        # Benchmarks

        Generated by `java -jar local-stack/target/local-stack.jar bench %s--report %s`
        on %s — do not edit by hand; run the command again.

        Machine: %d cores, %s %s, %s. Both clusters are %s; the transports run in the benchmark's
        JVM for the latency rounds; each round runs one fulfillment per
        variant, rotating which goes first; warm-up rounds are not counted. The in-flight count uses a
        bridge in a JVM of its own (`BridgeWorkerMain`), so its threads and heap are its alone.

        - `IN_CLUSTER_CHILD`: `FulfillmentWorkflow` as a child workflow in us-east itself — what the
          same work costs without crossing clusters (the baseline).
        - `BRIDGE`, `NATS`: the same `FulfillmentWorkflow` in eu-west through the port and that transport.
        - `BRIDGE_TRACED` (with `--tracing-overhead`): `BRIDGE` on a second, identical stack whose
          services all trace (spans batched, then dropped): the cost of instrumentation and propagation.

        %s""".formatted(options.clusters() == ClusterKind.REAL ? "--stack real " : "",
            Path.of("").toAbsolutePath().relativize(report.toAbsolutePath()), java.time.LocalDate.now(),
            Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
            "Java " + System.getProperty("java.version"), clustersInWords(options), results);
    Files.writeString(report, page);
    System.err.println("bench: report written to " + report);
  }

  /** Writes through to stdout and keeps a copy. */
  private static final class TeeWriter extends java.io.Writer {
    private final StringWriter copy;

    TeeWriter(StringWriter copy) {
      this.copy = copy;
    }

    @Override
    public void write(char[] buffer, int offset, int length) {
      copy.write(buffer, offset, length);
      System.out.print(new String(buffer, offset, length));
    }

    @Override
    public void flush() {
      System.out.flush();
    }

    @Override
    public void close() {
      flush();
    }
  }

  private Map<String, Percentiles> measureLatency(List<Variant> variants) throws Exception {
    Map<String, List<Duration>> measured = new LinkedHashMap<>();
    ProgressBar bar = new ProgressBar(System.err, warmup + samples, "latency rounds");
    for (int round = 0; round < warmup + samples; round++) {
      // rotate which variant goes first, so that none always runs on a warmer machine
      for (int i = 0; i < variants.size(); i++) {
        Variant variant = variants.get((round + i) % variants.size());
        Duration took = runProbe(variant, "lat-" + round);
        if (round >= warmup) {
          measured.computeIfAbsent(variant.name(), v -> new ArrayList<>()).add(took);
        }
      }
      bar.update(round + 1);
    }
    Map<String, Percentiles> result = new LinkedHashMap<>();
    variants.forEach(v -> result.put(v.name(), new Percentiles(measured.get(v.name()))));
    return result;
  }

  private static WorkflowStub startProbe(WorkflowClient client, CallRoute route, String remoteQueue, String id) {
    String workflowId = "bench-" + (route == null ? "child" : route.transport()) + "-" + id + "-" + System.nanoTime();
    WorkflowStub stub = client.newUntypedWorkflowStub("FulfillmentProbeWorkflow",
        WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(FulfillmentProbeWorkflow.TASK_QUEUE).build());
    stub.start(new ProbeRequest(route, remoteQueue, new FulfillmentRequest(workflowId, List.of(new OrderLine("SKU-001", 1)), "DE")));
    return stub;
  }

  private static Duration runProbe(Variant variant, String id) throws Exception {
    long started = System.nanoTime();
    startProbe(variant.client(), variant.route(), variant.remoteQueue(), id).getResult(60, TimeUnit.SECONDS, String.class);
    return Duration.ofNanos(System.nanoTime() - started);
  }

  private void printLatency(Map<String, Percentiles> latency) {
    Percentiles baseline = latency.get("IN_CLUSTER_CHILD");
    out.println();
    out.println("| variant | n | p50 ms | p90 ms | p99 ms | p50 ratio to baseline |");
    out.println("|---|---|---|---|---|---|");
    latency.forEach((name, p) -> out.printf("| %s | %d | %.1f | %.1f | %.1f | %.2f |%n", name, p.count(), p.millis(50), p.millis(90),
        p.millis(99), p.millis(50) / baseline.millis(50)));
    if (latency.containsKey("BRIDGE_TRACED")) {
      out.printf("%nTracing overhead on the bridged fulfillment's p50: %.1f ms → %.1f ms (%+.0f%%), same run.%n",
          latency.get("BRIDGE").millis(50), latency.get("BRIDGE_TRACED").millis(50),
          100 * (latency.get("BRIDGE_TRACED").millis(50) / latency.get("BRIDGE").millis(50) - 1));
    }
  }

  private void measureInFlight(LocalStack running, TransportProcess bridge) throws Exception {
    int threadsIdle = bridge.liveThreads();
    long heapIdle = bridge.heapAfterGcBytes();
    WorkflowClient client = running.usEast().client();
    List<WorkflowStub> held = new ArrayList<>(inFlight);
    System.err.println("bench: starting " + inFlight + " calls whose remote queue has no worker yet");
    for (int i = 0; i < inFlight; i++) {
      held.add(startProbe(client, HELD_ROUTE, HELD_QUEUE, "held-" + i));
    }
    awaitAllHeldByTheBridge(held);
    Thread.sleep(2_000); // let the heartbeat loop run a few rounds with everything open
    int threadsHeld = bridge.liveThreads();
    long heapHeld = bridge.heapAfterGcBytes();

    long drainStarted = System.nanoTime();
    WorkerFactory drain = FulfillmentServiceWorker.start(running.euWest(), SimulationSettings.INSTANT, HELD_QUEUE);
    running.stopWithStack(drain::shutdownNow);
    for (WorkflowStub stub : held) {
      stub.getResult(5, TimeUnit.MINUTES, String.class);
    }
    Duration drained = Duration.ofNanos(System.nanoTime() - drainStarted);

    out.println();
    out.println("| calls in flight | bridge process live threads, idle → held | bridge heap after GC, idle → held | all completed once released |");
    out.println("|---|---|---|---|");
    out.printf("| %d | %d → %d | %s → %s | in %.1f s |%n", inFlight, threadsIdle, threadsHeld, mib(heapIdle), mib(heapHeld),
        drained.toMillis() / 1000.0);
  }

  /** Waits until every call's transport activity is started, i.e. held open by the bridge. */
  private static void awaitAllHeldByTheBridge(List<WorkflowStub> held) throws InterruptedException {
    ProgressBar bar = new ProgressBar(System.err, held.size(), "calls held open by the bridge");
    List<WorkflowStub> waiting = new ArrayList<>(held);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!waiting.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(waiting.size() + " calls were not picked up by the bridge within 5 minutes");
      }
      waiting.removeIf(BenchCommand::transportActivityStarted);
      bar.update(held.size() - waiting.size());
      if (!waiting.isEmpty()) {
        Thread.sleep(200);
      }
    }
  }

  private static boolean transportActivityStarted(WorkflowStub probe) {
    return probe.describe().getRawDescription().getPendingActivitiesList().stream()
        .anyMatch(a -> a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "n/a" : String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
  }

}
