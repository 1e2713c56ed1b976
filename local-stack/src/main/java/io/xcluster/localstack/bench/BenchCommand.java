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
import io.xcluster.localstack.stack.EmbeddedStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.transport.bridge.BridgeTransport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
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

  @Override
  public Integer call() throws Exception {
    if (samples < 1 || warmup < 0 || inFlight < 0) {
      throw new IllegalArgumentException("--samples must be ≥ 1, --warmup and --in-flight ≥ 0");
    }
    StackOptions options = stack.toOptions();
    if (!BridgeTransport.NAME.equals(options.transport())) {
      throw new IllegalArgumentException("bench measures the bridge for now; --transport " + options.transport() + " is not supported yet");
    }
    Path bridgeLog = Files.createTempFile("bench-bridge-", ".log");
    try (EmbeddedStack running = EmbeddedStack.startWithoutTransport(options, step -> System.err.println("bench: " + step));
        BridgeProcess bridge = BridgeProcess.start(running.usEast().endpoint(), running.euWest().endpoint(), bridgeLog)) {
      System.err.println("bench: bridge running as process " + bridge.pid() + ", log " + bridge.log());
      // the baseline's fulfillment worker, in the calling cluster itself
      WorkerFactory baseline = FulfillmentServiceWorker.start(running.usEast(), options.simulation());
      running.stopWithStack(baseline::shutdownNow);
      WorkerFactory probes = running.usEast().newWorkerFactory();
      probes.newWorker(FulfillmentProbeWorkflow.TASK_QUEUE).registerWorkflowImplementationFactory(
          FulfillmentProbeWorkflow.class,
          () -> new FulfillmentProbeWorkflowImpl(EmbeddedStack.US_EAST, running.fulfillmentTarget(), running.orderSettings().route()));
      probes.start();
      running.stopWithStack(probes::shutdownNow);

      out.printf("bench: transport %s, %d samples per variant after %d warm-up, %s, Java %s, %d cores%n",
          running.orderSettings().route().transport(), samples, warmup, "embedded clusters, bridge in its own JVM",
          System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
      Map<ProbeVariant, Percentiles> latency = measureLatency(running.usEast().client());
      printLatency(latency);
      if (inFlight > 0) {
        measureInFlight(running, bridge);
      }
    }
    if (report != null) {
      writeReport();
    }
    return 0;
  }

  private void writeReport() throws Exception {
    String page = """
        # Benchmarks

        Generated by `java -jar local-stack/target/local-stack.jar bench --report docs/benchmarks.md`
        on %s — do not edit by hand; run the command again.

        Machine: %d cores, %s %s, %s. Both clusters are embedded Java test servers in the benchmark's
        JVM; the bridge runs in a JVM of its own (`BridgeWorkerMain`). Each round runs one fulfillment
        per variant, alternating which goes first; warm-up rounds are not counted.

        - `IN_CLUSTER_CHILD`: `FulfillmentWorkflow` as a child workflow in us-east itself — what the
          same work costs without crossing clusters (the baseline).
        - `CROSS_CLUSTER`: the same `FulfillmentWorkflow` in eu-west through the port and the bridge.

        %s""".formatted(java.time.LocalDate.now(), Runtime.getRuntime().availableProcessors(),
            System.getProperty("os.name"), System.getProperty("os.arch"), "Java " + System.getProperty("java.version"),
            results);
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

  private Map<ProbeVariant, Percentiles> measureLatency(WorkflowClient client) throws Exception {
    Map<ProbeVariant, List<Duration>> measured = new EnumMap<>(ProbeVariant.class);
    ProbeVariant[] variants = ProbeVariant.values();
    ProgressBar bar = new ProgressBar(System.err, warmup + samples, "latency rounds");
    for (int round = 0; round < warmup + samples; round++) {
      // alternate which variant goes first, so neither always runs on a warmer machine
      List<ProbeVariant> order = new ArrayList<>(Arrays.asList(variants));
      if (round % 2 == 1) {
        Collections.reverse(order);
      }
      for (ProbeVariant variant : order) {
        Duration took = runProbe(client, variant, DEFAULT_QUEUE, "lat-" + round);
        if (round >= warmup) {
          measured.computeIfAbsent(variant, v -> new ArrayList<>()).add(took);
        }
      }
      bar.update(round + 1);
    }
    Map<ProbeVariant, Percentiles> result = new EnumMap<>(ProbeVariant.class);
    measured.forEach((variant, list) -> result.put(variant, new Percentiles(list)));
    return result;
  }

  private static WorkflowStub startProbe(WorkflowClient client, ProbeVariant variant, String remoteQueue, String id) {
    String workflowId = "bench-" + variant.name().toLowerCase() + "-" + id + "-" + System.nanoTime();
    WorkflowStub stub = client.newUntypedWorkflowStub("FulfillmentProbeWorkflow",
        WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(FulfillmentProbeWorkflow.TASK_QUEUE).build());
    stub.start(new ProbeRequest(variant, remoteQueue,
        new FulfillmentRequest(workflowId, List.of(new OrderLine("SKU-001", 1)), "DE")));
    return stub;
  }

  private static Duration runProbe(WorkflowClient client, ProbeVariant variant, String remoteQueue, String id)
      throws Exception {
    long started = System.nanoTime();
    startProbe(client, variant, remoteQueue, id).getResult(60, TimeUnit.SECONDS, String.class);
    return Duration.ofNanos(System.nanoTime() - started);
  }

  private void printLatency(Map<ProbeVariant, Percentiles> latency) {
    Percentiles baseline = latency.get(ProbeVariant.IN_CLUSTER_CHILD);
    out.println();
    out.println("| variant | n | p50 ms | p90 ms | p99 ms | p50 ratio to baseline |");
    out.println("|---|---|---|---|---|---|");
    for (ProbeVariant variant : ProbeVariant.values()) {
      Percentiles p = latency.get(variant);
      out.printf("| %s | %d | %.1f | %.1f | %.1f | %.2f |%n", variant, p.count(), p.millis(50), p.millis(90),
          p.millis(99), p.millis(50) / baseline.millis(50));
    }
  }

  private void measureInFlight(EmbeddedStack running, BridgeProcess bridge) throws Exception {
    int threadsIdle = bridge.liveThreads();
    long heapIdle = bridge.heapAfterGcBytes();
    WorkflowClient client = running.usEast().client();
    List<WorkflowStub> held = new ArrayList<>(inFlight);
    System.err.println("bench: starting " + inFlight + " calls whose remote queue has no worker yet");
    for (int i = 0; i < inFlight; i++) {
      held.add(startProbe(client, ProbeVariant.CROSS_CLUSTER, HELD_QUEUE, "held-" + i));
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
