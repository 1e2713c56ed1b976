package io.xcluster.transport.nats;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.temporal.worker.WorkerFactory;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.remote.FailoverRepair;
import io.xcluster.port.remote.LostStartRecheck;
import io.xcluster.port.remote.NamespaceFailoverWatch;
import io.xcluster.port.remote.OpenRemoteRuns;
import io.xcluster.port.remote.ProgressWorkers;
import io.xcluster.port.remote.RemoteRuns;
import io.xcluster.port.spi.TransportMetrics;
import io.xcluster.runtime.lifecycle.StopSequence;
import io.xcluster.tracing.ServiceTracing;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One coordinator process: the calling side (publish activity on {@code nats-to-<target>} and the
 * results consumer that signals callers), the target side (the relay that starts remote runs and
 * publishes their outcomes), or both. Streams and durable consumers are created or updated at
 * start-up; several processes may share the durable consumers.
 */
public final class NatsCoordinator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NatsCoordinator.class);

  /**
   * A pull's lifetime; the client expects the server's idle heartbeat every half of it and pulls
   * anew after three missed ones. Short, so that a consumer whose leader was lost (a node of a
   * JetStream cluster, or the one server restarted) is pulled from its new leader within about 3 s
   * of the election instead of 7.5 s: the price is one empty pull per consumer every 2 s.
   */
  private static final java.time.Duration PULL_EXPIRY = java.time.Duration.ofSeconds(2);

  private final StopSequence stopOrder = new StopSequence(problem -> log.debug(problem));
  private CallRelay relay;
  private FailoverRepair repair;
  private final ConsumerLag consumerLag = new ConsumerLag();
  private volatile java.time.Duration drainGrace = java.time.Duration.ofSeconds(10);
  private java.time.Clock relayClock = java.time.Clock.systemUTC();
  private final java.util.List<Connection> natsConnections =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private NatsCoordinator() {
    stopOrder.add(consumerLag);
  }

  /**
   * Which half of the coordinator a process runs; the halves may run in different processes and
   * regions.
   */
  public enum Side {
    /** The calling cluster's half: the publish activity and the outcome signaller. */
    CALLING,
    /** The target cluster's half: the relay that runs calls as workflows there. */
    TARGET,
    BOTH
  }

  /**
   * Both sides in one process, with connections of its own to both clusters: the launch seam
   * ({@link NatsLauncher}) and tests.
   *
   * @throws io.xcluster.port.cluster.ClusterUnreachableException when a cluster does not answer
   */
  public static NatsCoordinator startBothSides(
      NatsSettings settings,
      ClusterEndpoint source,
      ClusterEndpoint target,
      ServiceTracing tracing) {
    java.time.Duration connectTimeout = ClusterConnection.DEFAULT_CONNECT_TIMEOUT;
    ClusterConnection targetConnection = null;
    ClusterConnection sourceConnection = null;
    try {
      targetConnection =
          ClusterConnection.open(target, connectTimeout, tracing.temporalInterceptors());
      sourceConnection =
          ClusterConnection.open(source, connectTimeout, tracing.temporalInterceptors());
    } catch (RuntimeException e) {
      if (targetConnection != null) {
        targetConnection.closeNow();
      }
      throw e;
    }
    // registered first, so they close last: after the workers and consumers that use them
    NatsCoordinator coordinator = new NatsCoordinator();
    coordinator.stopOrder.add(targetConnection::closeNow);
    coordinator.stopOrder.add(sourceConnection::closeNow);
    return coordinator.startSides(
        settings, sourceConnection, targetConnection, target.name(), tracing);
  }

  /**
   * Starts the side(s) whose connection is given, on connections the caller owns (and closes after
   * this coordinator): a service process that connected with its own retry loop.
   *
   * @param source the calling cluster, or null for the target side only
   * @param target the target cluster, or null for the calling side only
   * @param targetCluster the target cluster's name (the calling side publishes to its subject)
   */
  public static NatsCoordinator start(
      NatsSettings settings,
      ClusterConnection source,
      ClusterConnection target,
      String targetCluster,
      ServiceTracing tracing) {
    return new NatsCoordinator().startSides(settings, source, target, targetCluster, tracing);
  }

  /**
   * As {@link #start}, with the relay's clock for how long a forwarded update waits for its call's
   * run ({@link ForwardedUpdates#RUN_NEVER_STARTED_AFTER}): tests move it instead of waiting.
   */
  static NatsCoordinator start(
      NatsSettings settings,
      ClusterConnection source,
      ClusterConnection target,
      String targetCluster,
      ServiceTracing tracing,
      java.time.Clock relayClock) {
    NatsCoordinator coordinator = new NatsCoordinator();
    coordinator.relayClock = relayClock;
    return coordinator.startSides(settings, source, target, targetCluster, tracing);
  }

  private NatsCoordinator startSides(
      NatsSettings settings,
      ClusterConnection source,
      ClusterConnection target,
      String targetCluster,
      ServiceTracing tracing) {
    try {
      if (target != null) {
        startTargetSide(settings, target, tracing);
      }
      if (source != null) {
        startCallingSide(settings, source, targetCluster, tracing);
      }
      return this;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Whether every NATS connection of this coordinator is connected now; for readiness probes. */
  public boolean natsConnected() {
    return !natsConnections.isEmpty()
        && natsConnections.stream().allMatch(c -> c.getStatus() == Connection.Status.CONNECTED);
  }

  private void startCallingSide(
      NatsSettings settings,
      ClusterConnection source,
      String targetCluster,
      ServiceTracing tracing) {
    String name = source.endpoint().name();
    Connection nats = connect(settings, "xcluster-" + name + "-calling-side");
    JetStream jetStream = jetStream(nats, settings);
    CallingSideMetrics metrics = new CallingSideMetrics(targetCluster);
    WorkerFactory workers = source.newWorkerFactory();
    workers
        .newWorker(NatsTransport.taskQueueFor(targetCluster))
        .registerActivitiesImplementations(
            new NatsCallActivity(
                jetStream,
                () ->
                    nats.getStatus() != Connection.Status.DISCONNECTED
                        && nats.getStatus() != Connection.Status.RECONNECTING,
                settings,
                tracing.openTelemetry(),
                cancelMarkers(nats, settings),
                metrics));
    workers.start();
    stopOrder.add(
        () -> {
          // the publish activity is short: let the ones running finish, Temporal retries any cut
          // off
          workers.shutdown();
          workers.awaitTermination(
              drainGrace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
          workers.shutdownNow();
        });
    OutcomeSignaller signaller =
        new OutcomeSignaller(
            source.client(),
            name,
            settings.maxDeliveries(),
            new DeadLetters(jetStream, settings),
            tracing,
            metrics);
    consume(
        nats,
        settings,
        settings.resultsStream(),
        name + "-outcomes",
        settings.resultsSubject(name),
        1_000,
        signaller::onMessage,
        new DeadLetters(jetStream, settings),
        "results");
    log.info(
        "NATS calling side up: {} publishes calls to {} and signals outcomes from {}",
        NatsTransport.taskQueueFor(targetCluster),
        settings.callsSubject(targetCluster),
        settings.resultsSubject(name));
  }

  private void startTargetSide(
      NatsSettings settings, ClusterConnection target, ServiceTracing tracing) {
    String name = target.endpoint().name();
    Connection nats = connect(settings, "xcluster-" + name + "-relay");
    JetStream jetStream = jetStream(nats, settings);
    DeadLetters deadLetters = new DeadLetters(jetStream, settings);
    TransportMetrics relayMetrics = TransportMetrics.of(NatsTransport.NAME, target.endpoint());
    relay =
        new CallRelay(
            settings,
            jetStream,
            new RemoteRuns(target.client()),
            deadLetters,
            tracing,
            cancelMarkers(nats, settings),
            relayMetrics,
            new OpenRemoteRuns(
                target.client(), relayMetrics, settings.limits().countOpenRunsEvery()),
            new ServedTarget(name, target.endpoint().namespace()),
            relayClock);
    stopOrder.add(relay);
    WorkerFactory progressWorkers = target.newWorkerFactory();
    ProgressWorkers.serve(
        progressWorkers,
        NatsTransport.PROGRESS_QUEUE,
        new ProgressPublisher(settings, jetStream, relayMetrics, tracing.openTelemetry()));
    progressWorkers.start();
    stopOrder.add(progressWorkers::shutdownNow); // a report cut off is retried by Temporal
    repair =
        FailoverRepair.start(
            target.client(),
            NamespaceFailoverWatch.DEFAULT_EVERY,
            relayMetrics,
            relay::recheckRemoteRuns);
    stopOrder.add(repair);
    consume(
        nats,
        settings,
        settings.callsStream(),
        name + "-calls",
        settings.callsSubject(name),
        settings.maxHeldCalls(),
        relay::onCall,
        deadLetters,
        "calls");
    consume(
        nats,
        settings,
        settings.callsStream(),
        name + "-cancels",
        settings.cancelsSubject(name),
        1_000,
        relay::onCancel,
        deadLetters,
        "cancels");
    log.info(
        "NATS relay up: runs calls from {} on {}",
        settings.callsSubject(name),
        target.endpoint().address());
  }

  /** The relay's circuit breaker for starts on the target, in a few words; empty without one. */
  public Optional<String> describeBreaker() {
    return relay == null ? Optional.empty() : Optional.of(relay.describeBreaker());
  }

  /** The relay's failover repair (what {@code POST /calls/recheck} asks); empty without one. */
  public Optional<FailoverRepair> failoverRepair() {
    return Optional.ofNullable(repair);
  }

  /** The relay's last re-check (after a failover, or asked for); empty before the first. */
  public Optional<LostStartRecheck.Result> lastRecheck() {
    return repair == null ? Optional.empty() : Optional.ofNullable(repair.lastResult());
  }

  /** Calls the relay of this process holds open right now (0 without a target side). */
  public int heldCalls() {
    return relay == null ? 0 : relay.heldCalls();
  }

  private Connection connect(NatsSettings settings, String connectionName) {
    Connection nats = NatsConnections.connect(settings.access(), connectionName);
    stopOrder.add(nats::close);
    natsConnections.add(nats);
    try {
      JetStreamTopology.ensure(nats, settings);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot set up the JetStream streams on " + settings.url() + ": " + e.getMessage(), e);
    }
    return nats;
  }

  private static CancelMarkers cancelMarkers(Connection nats, NatsSettings settings) {
    try {
      return CancelMarkers.open(nats, settings);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot open the cancel-marker bucket on " + settings.url() + ": " + e.getMessage(), e);
    }
  }

  private static JetStream jetStream(Connection nats, NatsSettings settings) {
    try {
      return nats.jetStream(settings.jetStreamOptions());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(
          "JetStream is not available on this NATS server (start it with -js): " + e.getMessage(),
          e);
    }
  }

  /**
   * A durable consumer whose handler failures are bounded: a message whose handler throws {@link
   * NatsSettings#maxDeliveries()} times is dead-lettered. Only those throws count, not its
   * deliveries: a message that waited on the stream through an outage has many.
   */
  private void consume(
      Connection nats,
      NatsSettings settings,
      String stream,
      String durable,
      String subject,
      long maxAckPending,
      Consumer<Message> handler,
      DeadLetters deadLetters,
      String kind) {
    ConsumerConfiguration config =
        ConsumerConfiguration.builder()
            .durable(durable)
            .filterSubject(subject)
            .ackPolicy(AckPolicy.Explicit)
            .ackWait(settings.ackWait())
            .maxDeliver(-1)
            .maxAckPending(maxAckPending)
            .build();
    FailureCounts failures = new FailureCounts(settings.maxDeliveries());
    try {
      Counter redelivered =
          Counter.builder("xcluster.nats.redelivered")
              .description("messages delivered again (not acknowledged in time, or refused)")
              .tags("transport", NatsTransport.NAME, "kind", kind)
              .register(Metrics.globalRegistry);
      ConsumerContext consumer =
          nats.getStreamContext(stream, settings.jetStreamOptions()).createOrUpdateConsumer(config);
      consumerLag.watch(durable, consumer);
      MessageConsumer running =
          consumer.consume(
              ConsumeOptions.builder().expiresIn(PULL_EXPIRY.toMillis()).build(),
              message -> {
                if (message.metaData().deliveredCount() > 1) {
                  redelivered.increment();
                }
                try {
                  handler.accept(message);
                  failures.forget(message); // counted in a row, so nothing is kept for ever
                } catch (RuntimeException unexpected) {
                  if (failures.failedTooOften(message)) {
                    deadLetters.deadLetter(
                        message, kind, "failed " + failures.limit() + " times: " + unexpected);
                  } else {
                    log.warn(
                        "message on {} failed, will be redelivered: {}",
                        subject,
                        unexpected.toString());
                    message.nakWithDelay(settings.ackWait().dividedBy(3));
                  }
                }
              });
      stopOrder.add(running::stop);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot create the durable consumer " + durable + " on " + stream + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Stops at once, as SIGKILL would: held calls are redelivered to the next relay after the ack
   * wait.
   */
  public void kill() {
    close();
  }

  /** Stops, letting running publish activities finish for up to {@code grace}. */
  public void close(java.time.Duration grace) {
    drainGrace = grace;
    close();
  }

  @Override
  public void close() {
    stopOrder.close();
  }
}
