package io.xcluster.localstack.bench;

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
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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

  @Override
  public Integer call() throws Exception {
    if (samples < 1 || warmup < 0 || inFlight < 0) {
      throw new IllegalArgumentException("--samples must be ≥ 1, --warmup and --in-flight ≥ 0");
    }
    StackOptions options = stack.toOptions();
    try (EmbeddedStack running = EmbeddedStack.start(options, step -> System.err.println("bench: " + step))) {
      // the baseline's fulfillment worker, in the calling cluster itself
      WorkerFactory baseline = FulfillmentServiceWorker.start(running.usEast(), options.simulation());
      running.stopWithStack(baseline::shutdownNow);
      WorkerFactory probes = running.usEast().newWorkerFactory();
      probes.newWorker(FulfillmentProbeWorkflow.TASK_QUEUE).registerWorkflowImplementationFactory(
          FulfillmentProbeWorkflow.class,
          () -> new FulfillmentProbeWorkflowImpl(EmbeddedStack.US_EAST, running.fulfillmentTarget(), running.orderSettings().route()));
      probes.start();
      running.stopWithStack(probes::shutdownNow);

      System.out.printf("bench: transport %s, %d samples per variant after %d warm-up, %s, Java %s, %d cores%n",
          running.orderSettings().route().transport(), samples, warmup, "embedded clusters",
          System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
      Map<ProbeVariant, Percentiles> latency = measureLatency(running.usEast().client());
      printLatency(latency);
      if (inFlight > 0) {
        measureInFlight(running);
      }
      return 0;
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
        java.util.Collections.reverse(order);
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
    System.out.println();
    System.out.println("| variant | n | p50 ms | p90 ms | p99 ms | p50 ratio to baseline |");
    System.out.println("|---|---|---|---|---|---|");
    for (ProbeVariant variant : ProbeVariant.values()) {
      Percentiles p = latency.get(variant);
      System.out.printf("| %s | %d | %.1f | %.1f | %.1f | %.2f |%n", variant, p.count(), p.millis(50), p.millis(90),
          p.millis(99), p.millis(50) / baseline.millis(50));
    }
  }

  private void measureInFlight(EmbeddedStack running) throws Exception {
    var threads = ManagementFactory.getThreadMXBean();
    int threadsIdle = threads.getThreadCount();
    long bridgeThreadsIdle = bridgeThreads();
    WorkflowClient client = running.usEast().client();
    List<WorkflowStub> held = new ArrayList<>(inFlight);
    System.err.println("bench: starting " + inFlight + " calls whose remote queue has no worker yet");
    for (int i = 0; i < inFlight; i++) {
      held.add(startProbe(client, ProbeVariant.CROSS_CLUSTER, HELD_QUEUE, "held-" + i));
    }
    ProgressBar bar = new ProgressBar(System.err, inFlight, "calls held open by the bridge");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (running.bridge().inFlightCalls() < inFlight && System.nanoTime() < deadline) {
      bar.update(running.bridge().inFlightCalls());
      Thread.sleep(200);
    }
    bar.update(running.bridge().inFlightCalls());
    Thread.sleep(2_000); // let heartbeats run a few rounds with everything open
    int threadsHeld = threads.getThreadCount();
    long bridgeThreadsHeld = bridgeThreads();
    System.gc();
    long heapHeld = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    int openCalls = running.bridge().inFlightCalls();

    long drainStarted = System.nanoTime();
    WorkerFactory drain = FulfillmentServiceWorker.start(running.euWest(), SimulationSettings.INSTANT, HELD_QUEUE);
    running.stopWithStack(drain::shutdownNow);
    for (WorkflowStub stub : held) {
      stub.getResult(5, TimeUnit.MINUTES, String.class);
    }
    Duration drained = Duration.ofNanos(System.nanoTime() - drainStarted);

    System.out.println();
    System.out.println("| calls in flight (held by the bridge) | JVM live threads idle → held | bridge threads idle → held | heap after GC, whole JVM | drain time |");
    System.out.println("|---|---|---|---|---|");
    System.out.printf("| %d | %d → %d | %d → %d | %d MiB | %.1f s |%n", openCalls, threadsIdle, threadsHeld,
        bridgeThreadsIdle, bridgeThreadsHeld, heapHeld / (1024 * 1024), drained.toMillis() / 1000.0);
  }

  /** Threads the bridge owns: its heartbeat and completion threads and its worker's pollers and executors. */
  private static long bridgeThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().contains("bridge")).count();
  }
}
