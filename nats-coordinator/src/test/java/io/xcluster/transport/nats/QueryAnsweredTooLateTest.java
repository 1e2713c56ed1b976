package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.worker.WorkerFactory;
import io.xcluster.port.call.RemoteUpdate;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ConnectionInterceptors;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.testkit.contract.ContractCallerWorkflow;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.ContractParties;
import io.xcluster.testkit.contract.ContractRemoteWorkflow;
import io.xcluster.testkit.contract.ExecutionLedger;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.testkit.link.CuttableLink;
import io.xcluster.testkit.nats.LocalNatsServer;
import io.xcluster.tracing.ServiceTracing;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A remote query waits on the calls stream while eu-west is out of the relay's reach; its caller
 * gives up after its timeout. When eu-west is back the relay drops the query instead of answering
 * it: the answer would only add a signal to the caller's history, which nobody reads.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class QueryAnsweredTooLateTest {

  @Test
  void aQueryWhoseCallerGaveUpIsNotAnsweredOnceTheTargetIsBack() throws Exception {
    assumeTrue(LocalNatsServer.availableForTests(), "needs nats-server");
    CuttableLink link = new CuttableLink();
    try (LocalNatsServer nats = LocalNatsServer.startThrowAway();
        ContractClusters clusters = ContractClusters.embedded();
        Connection observer = Nats.connect(nats.url())) {
      ClusterConnection source = clusters.connectSource();
      ClusterConnection target = clusters.connectTarget();
      ClusterConnection relayTarget =
          ClusterConnection.open(
              clusters.target(), new ConnectionInterceptors(List.of(link), List.of()));
      WorkerFactory callers =
          ContractParties.startCallers(source, NatsTransportContractTest.quickRoute());
      WorkerFactory remotes = ContractParties.startRemotes(target);
      NatsSettings settings =
          NatsSettings.defaults(nats.url()).allowing(Set.of(ContractRemoteWorkflow.TYPE));
      NatsCoordinator coordinator =
          NatsCoordinator.start(
              settings, source, relayTarget, ContractClusters.TARGET, ServiceTracing.disabled());
      try {
        ContractParties.StartedCaller started =
            ContractParties.startCaller(
                source.client(),
                "nats-late-query-" + UUID.randomUUID(),
                "fulfil",
                RemoteBehaviour.awaitRelease("parcel"),
                Duration.ofMinutes(10));
        await(
            "the remote run started",
            () -> ExecutionLedger.InMemory.executionsOf(started.remoteWorkflowId()) == 1);
        ContractCallerWorkflow caller =
            source.client().newWorkflowStub(ContractCallerWorkflow.class, started.workflowId());

        link.cut();
        UpdateVerdict gaveUp = caller.queryRemoteNotes(2_000);
        assertEquals(UpdateVerdict.UNREACHABLE, gaveUp.rejectionType(), gaveUp.describe());
        Thread.sleep(PAST_THE_SLACK);
        link.heal();

        JetStreamManagement streams = observer.jetStreamManagement(settings.jetStreamOptions());
        await(
            "the relay took the query off the stream",
            () -> drained(streams, settings.callsStream(), ContractClusters.TARGET + "-cancels"));
        await(
            "the calling side passed on whatever came back",
            () ->
                drained(streams, settings.resultsStream(), ContractClusters.SOURCE + "-outcomes"));
        assertEquals(0, verdictSignals(source, started.workflowId()), "the late answer was sent");

        // the relay answers a query that is still awaited: this one reaches the caller as a signal
        UpdateVerdict answered = caller.queryRemoteNotes(30_000);
        assertTrue(answered.accepted(), answered.describe());
        assertEquals(1, verdictSignals(source, started.workflowId()));
      } finally {
        coordinator.kill();
        callers.shutdownNow();
        remotes.shutdownNow();
        relayTarget.closeNow();
        source.closeNow();
        target.closeNow();
      }
    }
  }

  /** Past the caller's deadline by more than the relay's slack for clocks that differ. */
  private static final long PAST_THE_SLACK = RemoteUpdate.CLOCK_SLACK_MILLIS + 500;

  private static boolean drained(JetStreamManagement streams, String stream, String consumer) {
    try {
      ConsumerInfo info = streams.getConsumerInfo(stream, consumer);
      return info.getNumPending() == 0 && info.getNumAckPending() == 0;
    } catch (Exception notYet) {
      return false;
    }
  }

  private static long verdictSignals(ClusterConnection source, String workflowId) {
    return source.client().fetchHistory(workflowId).getEvents().stream()
        .filter(HistoryEvent::hasWorkflowExecutionSignaledEventAttributes)
        .filter(
            e ->
                CallOutcomeDelivery.VERDICT_SIGNAL_NAME.equals(
                    e.getWorkflowExecutionSignaledEventAttributes().getSignalName()))
        .count();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what + " within 60 s");
      Thread.sleep(100);
    }
  }
}
