package io.xcluster.bench;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import io.xcluster.localstack.cli.Percentiles;
import io.xcluster.localstack.cli.ProgressBar;
import io.xcluster.localstack.process.JvmProbe;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.localstack.stack.TransportProcess;
import io.xcluster.port.call.CallId;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.euwest.fulfillment.worker.FulfillmentServiceWorker;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentWorkflow;
import io.xcluster.runtime.launch.TransportLaunch;
import io.xcluster.runtime.launch.TransportLauncher;
import io.xcluster.runtime.launch.TransportLaunchers;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Many calls held open by one transport in a JVM of its own, on a fresh stack: what holding them
 * costs the transport and both clusters, how fast a cancel reaches a held call's remote run, and
 * how fast the rest drain once the remote side works again.
 */
final class HeldCalls {

  /** A fulfillment queue nobody polls until the figures are taken: the calls stay open. */
  static final String HELD_QUEUE = "fulfillment-held";

  private static final int START_THREADS = 16;

  /** Held calls canceled one by one to time how fast the cancel reaches the remote run. */
  static final int CANCELS = 20;

  private static final Duration DRAIN_WINDOW = Duration.ofSeconds(60);

  /**
   * One way to hold the calls: a transport, and for one that takes callbacks, whether the target
   * pushes outcomes to it.
   */
  record Mode(String transport, boolean callbacks) {
    String label() {
      TransportLauncher launcher = TransportLaunchers.named(transport);
      return launcher.acceptsCallbacks()
          ? transport + (callbacks ? " (callback)" : " (heartbeat)")
          : transport;
    }

    /** The label as one word, as {@code --in-flight-modes} takes it: {@code bridge-callback}. */
    String tag() {
      return label().replaceAll("[^a-z]+", "-").replaceAll("-$", "");
    }
  }

  private final StackOptions options;
  private final BenchRun.Settings settings;
  private final PrintStream progress;

  HeldCalls(StackOptions options, BenchRun.Settings settings, PrintStream progress) {
    this.options = options;
    this.settings = settings;
    this.progress = progress;
  }

  /**
   * The modes named by their tags, in the order of {@link #modes()}; every mode when none is named.
   *
   * @throws BenchCommand.BadSetting naming the option and the tags there are, for an unknown tag
   */
  static List<Mode> modes(List<String> tags) {
    List<Mode> all = modes();
    if (tags.isEmpty()) {
      return all;
    }
    List<String> known = all.stream().map(Mode::tag).toList();
    for (String tag : tags) {
      if (!known.contains(tag)) {
        throw new BenchCommand.BadSetting(
            "--in-flight-modes: no mode '" + tag + "'; there are " + String.join(", ", known));
      }
    }
    return all.stream().filter(m -> tags.contains(m.tag())).toList();
  }

  /** Every production transport; one that takes callbacks twice, with and without. */
  static List<Mode> modes() {
    List<Mode> modes = new ArrayList<>();
    for (TransportLauncher launcher : TransportLaunchers.available().values()) {
      if (!launcher.forProduction()) {
        continue;
      }
      if (launcher.acceptsCallbacks()) {
        modes.add(new Mode(launcher.name(), true));
      }
      modes.add(new Mode(launcher.name(), false));
    }
    return modes;
  }

  StackResult.InFlightResult measure(Mode mode) throws Exception {
    Path dir = options.workDir().resolve("in-flight-" + mode.tag());
    StackOptions only =
        StackOptions.forTransport(mode.transport())
            .withFulfillmentTimeout(options.fulfillmentTimeout())
            .withClusters(options.clusters(), dir);
    try (LocalStack stack =
        LocalStack.startWithoutTransport(
            only, step -> progress.println("bench (in flight, " + mode.label() + "): " + step))) {
      TransportLauncher launcher = TransportLaunchers.named(mode.transport());
      TransportLaunch launch = stack.transportLaunch(launcher);
      if (!mode.callbacks()) {
        launch = launch.withoutCallbacks();
      } else if (launch.callbacks() == null) {
        throw new IllegalStateException(
            "this stack offers no callback endpoint (embedded servers never call back)");
      }
      try (TransportProcess process = TransportProcess.start(launcher, launch, List.of(), dir)) {
        return measure(mode, stack, process);
      }
    }
  }

  private StackResult.InFlightResult measure(Mode mode, LocalStack stack, TransportProcess process)
      throws Exception {
    WorkflowClient usEast = BenchRunProbes.prepare(stack);
    WorkflowClient euWest = stack.euWest().client();
    int threadsIdle = process.liveThreads();
    long heapIdle = process.heapAfterGcBytes();
    BenchRun.Variant variant = BenchRun.transportVariant(mode.transport());

    long holdStarted = System.nanoTime();
    List<String> probeIds = startHeldCalls(usEast, variant, mode.label());
    awaitCount(
        euWest,
        "WorkflowType = '" + FulfillmentWorkflow.TYPE + "' AND TaskQueue = '" + HELD_QUEUE + "'",
        settings.inFlight(),
        "remote runs started and held by the " + mode.label());
    double secondsToHold = (System.nanoTime() - holdStarted) / 1e9;
    Thread.sleep(5_000); // heartbeats / in-progress acks run a few rounds with everything open

    long usEastPid = stack.clusters().usEastServer().pid();
    long euWestPid = stack.clusters().euWestServer().pid();
    Long postgresPid = BenchRunProbes.postgresPid(stack);
    ServerMetrics usEastBefore =
        ServerMetrics.scrape(stack.clusters().usEastServer().metricsAddress());
    long ticksBefore = process.cpuTicks();
    long usEastTicks = JvmProbe.cpuTicks(usEastPid);
    long euWestTicks = JvmProbe.cpuTicks(euWestPid);
    long postgresTicks = postgresPid == null ? 0 : JvmProbe.treeCpuTicks(postgresPid);
    Thread.sleep(settings.holdWindow().toMillis());
    double cpu = percentOfOneCore(process.cpuTicks() - ticksBefore);
    double usEastCpu = percentOfOneCore(JvmProbe.cpuTicks(usEastPid) - usEastTicks);
    double euWestCpu = percentOfOneCore(JvmProbe.cpuTicks(euWestPid) - euWestTicks);
    double postgresCpu =
        postgresPid == null
            ? Double.NaN
            : percentOfOneCore(JvmProbe.treeCpuTicks(postgresPid) - postgresTicks);
    Map<String, Double> requests =
        ServerMetrics.scrape(stack.clusters().usEastServer().metricsAddress())
            .since(usEastBefore)
            .frontendRequests(3);
    double seconds = settings.holdWindow().toMillis() / 1000.0;
    String usEastRequests =
        requests.isEmpty()
            ? "no request completed (only long polls open)"
            : requests.entrySet().stream()
                .map(e -> "%s %.0f/s".formatted(e.getKey(), e.getValue() / seconds))
                .collect(Collectors.joining(", "));
    int threadsHeld = process.liveThreads();
    long heapHeld = process.heapAfterGcBytes();
    String pools =
        JvmProbe.threadsByPool(process.pid()).entrySet().stream()
            .limit(8)
            .map(e -> e.getKey() + " ×" + e.getValue())
            .collect(Collectors.joining(", "));
    progress.println("bench: " + mode.label() + " threads while holding, by pool: " + pools);
    // said now, so that a failure in the cancel or drain steps loses none of the holding figures
    progress.printf(
        "bench: %s holding %d calls (all held after %.0f s): transport CPU %.1f %%, us-east server"
            + " %.1f %%, eu-west server %.1f %%, PostgreSQL %.1f %%; threads %d → %d; heap after GC"
            + " %s → %s%n",
        mode.label(),
        settings.inFlight(),
        secondsToHold,
        cpu,
        usEastCpu,
        euWestCpu,
        postgresCpu,
        threadsIdle,
        threadsHeld,
        BenchReport.mib(heapIdle),
        BenchReport.mib(heapHeld));
    progress.println(
        "bench: " + mode.label() + " us-east frontend while holding: " + usEastRequests);

    int cancels = Math.min(CANCELS, settings.inFlight() / 2);
    Percentiles cancel =
        cancels == 0 ? null : timeCancels(usEast, euWest, probeIds.subList(0, cancels));

    // Released: the remote side works again; how fast do the rest complete?
    WorkerFactory drain =
        FulfillmentServiceWorker.start(stack.euWest(), SimulationSettings.INSTANT, HELD_QUEUE);
    stack.stopWithStack(drain::shutdownNow);
    int toDrain = settings.inFlight() - cancels;
    long released = System.nanoTime();
    int completed = 0;
    double drainedAfter = Double.NaN;
    ProgressBar bar = new ProgressBar(progress, toDrain, "held calls completed after release");
    while (System.nanoTime() - released < DRAIN_WINDOW.toNanos()) {
      Thread.sleep(1_000);
      completed =
          (int)
              count(
                  usEast,
                  "WorkflowType = 'FulfillmentProbeWorkflow' AND ExecutionStatus = 'Completed'");
      bar.update(Math.min(completed, toDrain));
      if (completed >= toDrain) {
        drainedAfter = (System.nanoTime() - released) / 1e9;
        break;
      }
    }
    return new StackResult.InFlightResult(
        mode.label(),
        settings.inFlight(),
        threadsIdle,
        threadsHeld,
        heapIdle,
        heapHeld,
        cpu,
        usEastCpu,
        euWestCpu,
        postgresCpu,
        usEastRequests,
        secondsToHold,
        cancel,
        completed,
        drainedAfter,
        pools);
  }

  /**
   * Cancels each probe in turn and times, per probe, the cancel request to the moment its remote
   * run was asked to cancel (the event in the remote history: nobody polls the held queue, so the
   * run itself cannot act on it — how fast the request crosses is the transport's part).
   */
  private Percentiles timeCancels(WorkflowClient usEast, WorkflowClient euWest, List<String> probes)
      throws InterruptedException {
    List<Duration> measured = new ArrayList<>();
    ProgressBar bar = new ProgressBar(progress, probes.size(), "held calls canceled and timed");
    int done = 0;
    for (String probeId : probes) {
      String remoteId =
          new CallId(LocalStack.US_EAST, probeId, FulfillmentProbeWorkflowImpl.OPERATION).value();
      long asked = System.currentTimeMillis();
      usEast.newUntypedWorkflowStub(probeId).cancel();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        HistoryEvent requested =
            euWest.fetchHistory(remoteId).getEvents().stream()
                .filter(
                    e ->
                        e.getEventType()
                            == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED)
                .findFirst()
                .orElse(null);
        if (requested != null) {
          long at =
              requested.getEventTime().getSeconds() * 1000
                  + requested.getEventTime().getNanos() / 1_000_000;
          measured.add(Duration.ofMillis(Math.max(0, at - asked)));
          break;
        }
        Thread.sleep(10);
      }
      bar.update(++done);
    }
    if (measured.isEmpty()) {
      throw new IllegalStateException(
          "no cancel reached its remote run within 30 s (" + probes.size() + " tried)");
    }
    return new Percentiles(measured);
  }

  /** /proc reports CPU time in clock ticks of 1/100 s on Linux. */
  private double percentOfOneCore(long ticks) {
    return ticks / (settings.holdWindow().toMillis() / 10.0) * 100.0;
  }

  static long count(WorkflowClient client, String query) {
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

  /** Starts {@link BenchRun.Settings#inFlight()} probes against the held queue; their ids. */
  private List<String> startHeldCalls(WorkflowClient usEast, BenchRun.Variant variant, String label)
      throws Exception {
    ProgressBar bar =
        new ProgressBar(progress, settings.inFlight(), "calls started (" + label + ", held)");
    AtomicInteger started = new AtomicInteger();
    ExecutorService starting = Executors.newFixedThreadPool(START_THREADS);
    try {
      List<Future<String>> pending = new ArrayList<>();
      for (int i = 0; i < settings.inFlight(); i++) {
        String id = "held-" + i;
        pending.add(
            starting.submit(
                () -> {
                  String probeId =
                      BenchRun.start(usEast, variant, HELD_QUEUE, id)
                          .getExecution()
                          .getWorkflowId();
                  int n = started.incrementAndGet();
                  if (n % 100 == 0) {
                    bar.update(n);
                  }
                  return probeId;
                }));
      }
      List<String> ids = new ArrayList<>();
      for (Future<String> future : pending) {
        ids.add(future.get());
      }
      bar.update(settings.inFlight());
      return ids;
    } finally {
      starting.shutdownNow();
    }
  }

  /** Waits until a visibility count reaches {@code expected}, showing progress. */
  private void awaitCount(WorkflowClient client, String query, int expected, String what)
      throws InterruptedException {
    ProgressBar bar = new ProgressBar(progress, expected, what);
    // 30 minutes, or longer for a count that needs it at a slow 10 starts a second
    long minutes = Math.max(30, expected / 600);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
    while (true) {
      long count = count(client, query);
      bar.update((int) Math.min(count, expected));
      if (count >= expected) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "only " + count + " of " + expected + " " + what + " within " + minutes + " minutes");
      }
      Thread.sleep(1_000);
    }
  }
}
