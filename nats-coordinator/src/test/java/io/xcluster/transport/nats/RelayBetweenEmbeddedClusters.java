package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import io.temporal.common.interceptors.WorkflowClientInterceptor;
import io.temporal.worker.WorkerFactory;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ConnectionInterceptors;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.ContractParties;
import io.xcluster.testkit.contract.ContractRemoteWorkflow;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.testkit.nats.LocalNatsServer;
import io.xcluster.tracing.ServiceTracing;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The set-up the relay's behaviour tests share, made fresh for each test: a throw-away nats-server,
 * the contract kit's two embedded clusters, callers on us-east, remote workers on eu-west and a
 * {@link NatsCoordinator} between them, plus an observer connection to read the streams with. A
 * test registers it with {@code @RegisterExtension} and names only what is special about it: the
 * relay's own link to eu-west, the remote workflow, the settings, the relay's clock.
 *
 * <p>Skips the test where no nats-server is installed.
 */
final class RelayBetweenEmbeddedClusters implements BeforeEachCallback, AfterEachCallback {

  private WorkflowClientInterceptor relayLink;
  private Function<ClusterConnection, WorkerFactory> remoteWorkers = ContractParties::startRemotes;
  private UnaryOperator<NatsSettings> tuning = UnaryOperator.identity();
  private boolean callingSide = true;
  private Clock relayClock;

  private LocalNatsServer nats;
  private ContractClusters clusters;
  private ClusterConnection source;
  private ClusterConnection target;
  private ClusterConnection relayTarget;
  private Connection observer;
  private WorkerFactory callers;
  private WorkerFactory remotes;
  private NatsSettings settings;
  private NatsCoordinator coordinator;

  /**
   * The relay reaches eu-west through {@code link} (a link that cuts, refuses or scripts answers),
   * while the test's own view of eu-west stays direct.
   */
  RelayBetweenEmbeddedClusters relayReachesTargetThrough(WorkflowClientInterceptor link) {
    this.relayLink = link;
    return this;
  }

  /** eu-west runs the remote workflow {@code startRemotes} serves, not the contract kit's. */
  RelayBetweenEmbeddedClusters remotes(Function<ClusterConnection, WorkerFactory> startRemotes) {
    this.remoteWorkers = startRemotes;
    return this;
  }

  /** The relay's settings: the defaults for the contract workflow, changed by {@code tuning}. */
  RelayBetweenEmbeddedClusters settings(UnaryOperator<NatsSettings> tuning) {
    this.tuning = tuning;
    return this;
  }

  /**
   * Only the target's side of the coordinator, with no callers and no remote workers: the test
   * publishes to the streams itself and starts whatever workers it needs.
   */
  RelayBetweenEmbeddedClusters targetSideOnly() {
    this.callingSide = false;
    this.remoteWorkers = null;
    return this;
  }

  /** The relay's clock, which a test moves instead of waiting. */
  RelayBetweenEmbeddedClusters relayClock(Clock clock) {
    this.relayClock = clock;
    return this;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    assumeTrue(LocalNatsServer.availableForTests(), "needs nats-server");
    nats = LocalNatsServer.startThrowAway();
    clusters = ContractClusters.embedded();
    if (callingSide) {
      source = clusters.connectSource();
    }
    target = clusters.connectTarget();
    relayTarget =
        relayLink == null
            ? target
            : ClusterConnection.open(
                clusters.target(), new ConnectionInterceptors(List.of(relayLink), List.of()));
    observer = Nats.connect(nats.url());
    if (callingSide) {
      callers = ContractParties.startCallers(source, NatsTransportContractTest.quickRoute());
    }
    if (remoteWorkers != null) {
      remotes = remoteWorkers.apply(target);
    }
    settings =
        tuning.apply(
            NatsSettings.defaults(nats.url()).allowing(Set.of(ContractRemoteWorkflow.TYPE)));
    coordinator =
        relayClock == null
            ? NatsCoordinator.start(
                settings, source, relayTarget, ContractClusters.TARGET, ServiceTracing.disabled())
            : NatsCoordinator.start(
                settings,
                source,
                relayTarget,
                ContractClusters.TARGET,
                ServiceTracing.disabled(),
                relayClock);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    // the coordinator and the workers first: they use the connections closed after them
    for (AutoCloseable part :
        new AutoCloseable[] {
          coordinator == null ? null : coordinator::kill,
          callers == null ? null : callers::shutdownNow,
          remotes == null ? null : remotes::shutdownNow,
          observer,
          relayTarget == null || relayTarget == target ? null : relayTarget::closeNow,
          source == null ? null : source::closeNow,
          target == null ? null : target::closeNow,
          clusters,
          nats
        }) {
      if (part != null) {
        part.close();
      }
    }
  }

  LocalNatsServer nats() {
    return nats;
  }

  /** us-east, where the callers run. */
  ClusterConnection source() {
    return source;
  }

  /** eu-west as the test sees it: directly, never through the relay's link. */
  ClusterConnection target() {
    return target;
  }

  /** A plain connection to the nats-server, for reading the streams and consumers. */
  Connection observer() {
    return observer;
  }

  NatsSettings settings() {
    return settings;
  }

  NatsCoordinator coordinator() {
    return coordinator;
  }

  /** Starts a caller on us-east whose call runs {@code behaviour} on eu-west. */
  ContractParties.StartedCaller startCaller(String callerId, RemoteBehaviour behaviour) {
    return ContractParties.startCaller(
        source.client(), callerId, "fulfil", behaviour, Duration.ofMinutes(10));
  }

  /** Whether {@code consumer} of {@code stream} has nothing left to deliver or to have acked. */
  boolean drained(String stream, String consumer) {
    try {
      ConsumerInfo info =
          observer
              .jetStreamManagement(settings.jetStreamOptions())
              .getConsumerInfo(stream, consumer);
      return info.getNumPending() == 0 && info.getNumAckPending() == 0;
    } catch (Exception notYet) {
      return false;
    }
  }

  /** Whether the relay has taken everything off eu-west's cancels consumer (updates, queries). */
  boolean cancelsDrained() {
    return drained(settings.callsStream(), ContractClusters.TARGET + "-cancels");
  }

  /** Waits until {@code condition} holds, failing with {@code what} after 60 s. */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what + " within 60 s");
      Thread.sleep(100);
    }
  }
}
