package io.xcluster.localstack.realstack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temporal.client.WorkflowStub;
import io.temporal.common.interceptors.WorkflowClientInterceptor;
import io.temporal.worker.WorkerFactory;
import io.xcluster.localstack.reliability.FaultRecord;
import io.xcluster.localstack.stack.ClusterKind;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.OutcomeKind;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ConnectionInterceptors;
import io.xcluster.port.protection.DestinationLimits;
import io.xcluster.port.spi.CrossClusterTransports;
import io.xcluster.runtime.lifecycle.StopSequence;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.ContractParties;
import io.xcluster.testkit.contract.ContractRemoteWorkflow;
import io.xcluster.testkit.contract.ExecutionLedger;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.testkit.link.CuttableLink;
import io.xcluster.testkit.nats.LocalNatsServer;
import io.xcluster.tracing.ServiceTracing;
import io.xcluster.transport.bridge.BridgeSettings;
import io.xcluster.transport.bridge.BridgeTransport;
import io.xcluster.transport.bridge.BridgeWorker;
import io.xcluster.transport.nats.NatsCoordinator;
import io.xcluster.transport.nats.NatsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Two real clusters (start-dev, or production-like when selected), the contract's callers and
 * remotes in this JVM, and one transport — the bridge in its heartbeat mode, or the NATS
 * coordinator with a nats-server of its own — also in this JVM, its link to eu-west behind a {@link
 * CuttableLink}.
 */
final class TransportInThisJvm implements AutoCloseable {

  /** One call: the remote run's id (the call id) and the caller. */
  record Call(String remoteId, WorkflowStub stub) {}

  /** How the calls ended, counted on both sides. */
  record Tally(List<Call> calls, int completed, int executed, int runs, long lastDone) {

    long secondsSince(long nanos) {
      return Duration.ofNanos(lastDone - nanos).toSeconds();
    }

    void assertAllOnce() {
      assertEquals(calls.size(), completed, "every call completed");
      assertEquals(calls.size(), executed, "every remote ran");
      assertEquals(calls.size(), runs, "none ran twice");
    }

    void record(String fault, String transport, String injection, long began, Long healed) {
      new FaultRecord(
              fault,
              transport,
              injection,
              calls.size(),
              completed,
              executed,
              runs,
              0,
              runs - executed,
              calls.size() - completed,
              calls.size(),
              0,
              secondsSince(began),
              null,
              healed == null ? null : secondsSince(healed),
              RealStackTier.clusterKind() == ClusterKind.POSTGRES ? "postgres" : "start-dev",
              null)
          .writeTo(FaultRecord.DEFAULT_DIRECTORY);
    }
  }

  final CuttableLink link = new CuttableLink();
  final StopSequence stops = new StopSequence(problem -> System.err.println(problem));
  final ClusterConnection source;
  final ClusterConnection target;
  final Supplier<Boolean> breakerOpen;

  TransportInThisJvm(String transport, DestinationLimits limits) {
    this(transport, limits, List.of());
  }

  /**
   * @param onTheLink client interceptors on the transport's connection to eu-west, after the
   *     cuttable link
   */
  TransportInThisJvm(
      String transport, DestinationLimits limits, List<WorkflowClientInterceptor> onTheLink) {
    Path workDir = RealStackTier.workDir("transport-in-jvm-" + transport);
    ContractClusters clusters = RealStackTier.contractClusters(workDir);
    stops.add(clusters::close);
    source = clusters.connectSource();
    stops.add(source::closeNow);
    target = clusters.connectTarget();
    stops.add(target::closeNow);
    ClusterConnection linked =
        ClusterConnection.open(
            clusters.target(),
            new ConnectionInterceptors(
                Stream.<WorkflowClientInterceptor>concat(Stream.of(link), onTheLink.stream())
                    .toList(),
                List.of()));
    stops.add(linked::closeNow);
    WorkerFactory remotes = ContractParties.startRemotes(target);
    stops.add(remotes::shutdownNow);
    if (transport.equals(BridgeTransport.NAME)) {
      BridgeWorker bridge =
          BridgeWorker.start(
              BridgeSettings.between(clusters.source(), clusters.target()).withLimits(limits),
              source,
              linked,
              ServiceTracing.disabled());
      stops.add(bridge::kill);
      breakerOpen = () -> bridge.describeBreaker().startsWith("open");
    } else {
      LocalNatsServer nats = LocalNatsServer.start(workDir);
      stops.add(nats::close);
      NatsCoordinator coordinator =
          NatsCoordinator.start(
              NatsSettings.defaults(nats.url())
                  .allowing(Set.of(ContractRemoteWorkflow.TYPE))
                  .withLimits(limits),
              source,
              linked,
              ContractClusters.TARGET,
              ServiceTracing.disabled());
      stops.add(coordinator::kill);
      breakerOpen = () -> coordinator.describeBreaker().orElse("").startsWith("open");
    }
    WorkerFactory callers =
        ContractParties.startCallers(
            source,
            CrossClusterTransports.named(transport)
                .routeTo(ContractClusters.TARGET)
                .withHeartbeatTimeout(Duration.ofSeconds(30)));
    stops.add(callers::shutdownNow);
  }

  boolean breakerOpen() {
    return breakerOpen.get();
  }

  List<Call> place(int count, IntFunction<RemoteBehaviour> behaviour) {
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ContractParties.StartedCaller started =
          ContractParties.startCaller(
              source.client(),
              "limits-" + UUID.randomUUID(),
              "fulfil",
              behaviour.apply(i),
              Duration.ofMinutes(30));
      calls.add(new Call(started.remoteWorkflowId(), started.stub()));
    }
    return calls;
  }

  Tally await(List<Call> calls) throws Exception {
    int completed = 0;
    int executed = 0;
    int runs = 0;
    for (Call call : calls) {
      CallOutcome outcome = call.stub.getResult(10, TimeUnit.MINUTES, CallOutcome.class);
      if (outcome.kind() == OutcomeKind.COMPLETED) {
        completed++;
      }
      int ran = ExecutionLedger.InMemory.executionsOf(call.remoteId);
      executed += ran > 0 ? 1 : 0;
      runs += ran;
    }
    return new Tally(calls, completed, executed, runs, System.nanoTime());
  }

  long openRuns() {
    return openRuns(target.client());
  }

  /**
   * Running remote runs of the contract kit on {@code cluster}, by its visibility; 0 unreadable.
   */
  static long openRuns(io.temporal.client.WorkflowClient cluster) {
    try {
      return cluster
          .countWorkflows(
              "WorkflowType = '"
                  + ContractRemoteWorkflow.TYPE
                  + "' AND ExecutionStatus = 'Running'")
          .getCount();
    } catch (RuntimeException unreadable) {
      return 0; // a sample lost, not a test failed
    }
  }

  @Override
  public void close() {
    stops.close();
  }
}
