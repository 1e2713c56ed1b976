package io.xcluster.transport.bridge;

import io.temporal.client.ActivityCompletionClient;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.protection.CircuitBreaker;
import io.xcluster.port.protection.DestinationGuard;
import io.xcluster.port.remote.FailoverRepair;
import io.xcluster.port.remote.LostStartRecheck;
import io.xcluster.port.remote.NamespaceFailoverWatch;
import io.xcluster.port.remote.OpenRemoteRuns;
import io.xcluster.port.remote.ProgressToCaller;
import io.xcluster.port.remote.ProgressWorkers;
import io.xcluster.port.remote.RemoteRuns;
import io.xcluster.port.spi.TransportMetrics;
import io.xcluster.tracing.ServiceTracing;
import io.xcluster.transport.bridge.callback.CallbackEndpoint;
import io.xcluster.transport.bridge.callback.CallbackHandover;
import io.xcluster.transport.bridge.callback.LostHandovers;
import io.xcluster.transport.bridge.callback.RecentHandovers;
import io.xcluster.transport.bridge.callback.TemporalOutcomeRelay;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bridge process: a worker on the source cluster's bridge queue and a client of the target
 * cluster. Replicas may run side by side; killing one mid-call loses nothing, because an open call
 * whose heartbeats stop is retried by Temporal and the retry attaches to the same remote run.
 */
public final class BridgeWorker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BridgeWorker.class);

  /**
   * Calls being started at once. A call holds its activity slot (and a thread) only while the
   * remote start runs; waiting for the outcome holds neither, so this bounds the bridge's threads,
   * not the calls it can hold open.
   */
  static final int START_CONCURRENCY = 32;

  /**
   * Activity pollers on the calling cluster (the SDK's default is 5). Placed in the target region
   * (the recommended placement) the bridge polls across the WAN, and a poller brings one call per
   * round trip: 5 pollers at 80 ms took about 7 s to start the 200 calls a partition held back, 16
   * 3 to 7 s on a busy two-core machine, and 32 no sooner (the machine, not the polls, was the
   * limit). Each poller is a thread of the bridge's while it waits, so 16 and not more. The SDK's
   * autoscaling pollers hold no thread, but after a 60 s partition they backed off for a minute.
   */
  static final int ACTIVITY_POLLERS = 16;

  private final ClusterConnection source;
  private final ClusterConnection target;
  private final InFlightCalls inFlight;
  private final OpenRemoteRuns openRuns;
  private final DestinationGuard guard;
  private final WorkerFactory workers;
  private final WorkerFactory progressWorkers;
  private StartWhenTargetAnswers progressStart; // set when started
  private final CallbackEndpoint callbacks;
  private final RecentHandovers recentHandovers;
  private final FailoverRepair repair;
  private final boolean ownsConnections;

  private BridgeWorker(
      BridgeSettings settings,
      ClusterConnection source,
      ClusterConnection target,
      ServiceTracing tracing,
      boolean ownsConnections) {
    this.source = source;
    this.target = target;
    this.ownsConnections = ownsConnections;
    ActivityCompletionClient completion = source.client().newActivityCompletionClient();
    String progressQueue = BridgeTransport.progressQueueFor(settings.source().name());
    RemoteRuns starter = new RemoteRuns(target.client()).reportingProgressTo(progressQueue);
    // remote runs report progress on the target cluster; the bridge signals them to the callers
    this.progressWorkers = target.newWorkerFactory();
    ProgressWorkers.serve(progressWorkers, progressQueue, new ProgressToCaller(source.client()));
    TransportMetrics metrics = TransportMetrics.of(BridgeTransport.NAME, settings.target());
    this.inFlight =
        new InFlightCalls(completion, starter, settings.heartbeatTick(), tracing, metrics);
    metrics.held(inFlight::size);
    this.openRuns =
        new OpenRemoteRuns(target.client(), metrics, settings.limits().countOpenRunsEvery());
    this.guard = new DestinationGuard(settings.limits(), openRuns, metrics);
    openRuns.skipWhile(() -> guard.breakerState() != CircuitBreaker.State.CLOSED);
    CallbackHandover handover =
        settings.callbacks() == null
            ? null
            : new CallbackHandover(
                starter, settings.callbacks(), Clock.systemUTC(), tracing.openTelemetry());
    this.recentHandovers =
        handover == null ? null : new RecentHandovers(RecentHandovers.DEFAULT_WINDOW);
    LostHandovers lostHandovers =
        handover == null
            ? null
            : new LostHandovers(recentHandovers, handover, starter, source.client());
    // Callback mode: every replica serves the endpoint, so any of them can take any callback.
    this.callbacks =
        settings.callbacks() == null
            ? null
            : CallbackEndpoint.start(
                settings.callbacks(),
                settings.target().name(),
                lostHandovers.forgettingDelivered(
                    new TemporalOutcomeRelay(source.client(), target.client(), metrics)),
                Clock.systemUTC(),
                tracing);
    this.repair =
        FailoverRepair.start(
            target.client(),
            NamespaceFailoverWatch.DEFAULT_EVERY,
            metrics,
            () ->
                lostHandovers == null
                    ? inFlight.recheckRemoteRuns()
                    : inFlight.recheckRemoteRuns().plus(lostHandovers.recheck()));
    this.workers = source.newWorkerFactory();
    workers
        .newWorker(
            settings.taskQueue(),
            WorkerOptions.newBuilder()
                .setMaxConcurrentActivityExecutionSize(START_CONCURRENCY)
                .setMaxConcurrentActivityTaskPollers(ACTIVITY_POLLERS)
                .build())
        .registerActivitiesImplementations(
            new BridgeCallActivity(
                settings.target(),
                starter,
                inFlight,
                handover,
                metrics,
                openRuns,
                guard,
                recentHandovers));
  }

  /**
   * Re-checks every open call against the target now, as after a failover, and waits for the
   * result: the on-demand repair.
   */
  public LostStartRecheck.Result recheckOpenCalls(String why) throws InterruptedException {
    return repair.recheckNow(why);
  }

  /** The failover repair of this bridge: what {@code POST /calls/recheck} asks. */
  public FailoverRepair failoverRepair() {
    return repair;
  }

  /** The last re-check's result (after a failover, or asked for), or null before the first. */
  public LostStartRecheck.Result lastRecheck() {
    return repair.lastResult();
  }

  /** The circuit breaker's state for calls to the target. */
  public CircuitBreaker.State breakerState() {
    return guard.breakerState();
  }

  /** The same in a few words, with the last failure while open: the readiness details. */
  public String describeBreaker() {
    return guard.describeBreaker();
  }

  /**
   * Connects to both clusters and starts polling, tracing as the {@code bridge-worker} service: the
   * launch seam ({@link BridgeLauncher}) and tests.
   *
   * @throws io.xcluster.port.cluster.ClusterUnreachableException naming the cluster and address
   */
  public static BridgeWorker start(BridgeSettings settings, ServiceTracing tracing) {
    ClusterConnection target =
        ClusterConnection.open(
            settings.target(), settings.connectTimeout(), tracing.temporalInterceptors());
    ClusterConnection source;
    try {
      source =
          ClusterConnection.open(
              settings.source(), settings.connectTimeout(), tracing.temporalInterceptors());
    } catch (RuntimeException e) {
      target.closeNow();
      throw e;
    }
    return started(new BridgeWorker(settings, source, target, tracing, true), settings);
  }

  /**
   * Starts polling on connections the caller owns and closes after this bridge: a service process
   * that connected with its own retry loop.
   */
  public static BridgeWorker start(
      BridgeSettings settings,
      ClusterConnection source,
      ClusterConnection target,
      ServiceTracing tracing) {
    return started(new BridgeWorker(settings, source, target, tracing, false), settings);
  }

  private static BridgeWorker started(BridgeWorker bridge, BridgeSettings settings) {
    bridge.workers.start();
    // the target may be down now (a bridge starts without it): its workers start once it answers
    bridge.progressStart =
        StartWhenTargetAnswers.start(bridge.progressWorkers, settings.target().name());
    log.info("limits for calls to {}: {}", settings.target().name(), settings.limits().describe());
    log.info(
        "bridge polling {} on {} ({}) for calls to {} ({})",
        settings.taskQueue(),
        settings.source().name(),
        settings.source().address(),
        settings.target().name(),
        settings.target().address());
    return bridge;
  }

  /** Whether the workers on the target cluster poll: once it answered (it may be down at start). */
  boolean targetWorkersStarted() {
    return progressStart.started();
  }

  /** Calls this process holds open right now. */
  public int inFlightCalls() {
    return inFlight.size();
  }

  /** The callback endpoint's port, or -1 in the heartbeat mode. */
  public int callbackPort() {
    return callbacks == null ? -1 : callbacks.port();
  }

  /** Stops at once, as SIGKILL would: nothing is completed; open calls move to another replica. */
  public void kill() {
    if (callbacks != null) {
      callbacks.close();
    }
    workers.shutdownNow();
    progressStart.close();
    progressWorkers.shutdownNow();
    repair.close();
    inFlight.close();
    openRuns.close();
    if (ownsConnections) {
      source.closeNow();
      target.closeNow();
    }
  }

  /**
   * Stops polling and lets go of open calls; they continue on another replica once their heartbeat
   * timeout passes. (Handing them over sooner is future work: see the bridge README.)
   */
  @Override
  public void close() {
    close(java.time.Duration.ofSeconds(10));
  }

  /** As {@link #close()}, letting remote starts in progress finish for up to {@code grace}. */
  public void close(java.time.Duration grace) {
    workers.shutdown();
    progressStart.close();
    progressWorkers.shutdown();
    workers.awaitTermination(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    if (!workers.isTerminated()) {
      // polls waiting for an unreachable calling cluster (PollsWaitForTheCluster) would otherwise
      // hold the stop until their 70 s deadline
      workers.shutdownNow();
    }
    progressWorkers.shutdownNow(); // a report cut off is retried by Temporal, on another replica
    if (callbacks != null) {
      callbacks
          .close(); // callbacks in flight are retried by the target, on another replica or later
    }
    repair.close();
    inFlight.close();
    openRuns.close();
    if (ownsConnections) {
      source.close();
      target.close();
    }
  }
}
