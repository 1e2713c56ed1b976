package io.xcluster.transport.nats;

import static io.xcluster.transport.nats.RelayBetweenEmbeddedClusters.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.history.v1.HistoryEvent;
import io.xcluster.port.call.RemoteUpdate;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.testkit.contract.ContractCallerWorkflow;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.ContractParties;
import io.xcluster.testkit.contract.ExecutionLedger;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.testkit.link.CuttableLink;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A remote query waits on the calls stream while eu-west is out of the relay's reach; its caller
 * gives up after its timeout. When eu-west is back the relay drops the query instead of answering
 * it: the answer would only add a signal to the caller's history, which nobody reads.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class QueryAnsweredTooLateTest {

  private final CuttableLink link = new CuttableLink();

  @RegisterExtension
  final RelayBetweenEmbeddedClusters relay =
      new RelayBetweenEmbeddedClusters().relayReachesTargetThrough(link);

  @Test
  void aQueryWhoseCallerGaveUpIsNotAnsweredOnceTheTargetIsBack() throws Exception {
    NatsSettings settings = relay.settings();
    ClusterConnection source = relay.source();
    ContractParties.StartedCaller started =
        relay.startCaller(
            "nats-late-query-" + UUID.randomUUID(), RemoteBehaviour.awaitRelease("parcel"));
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

    await(
        "the relay took the query off the stream",
        () -> relay.drained(settings.callsStream(), ContractClusters.TARGET + "-cancels"));
    await(
        "the calling side passed on whatever came back",
        () -> relay.drained(settings.resultsStream(), ContractClusters.SOURCE + "-outcomes"));
    assertEquals(0, verdictSignals(source, started.workflowId()), "the late answer was sent");

    // the relay answers a query that is still awaited: this one reaches the caller as a signal
    UpdateVerdict answered = caller.queryRemoteNotes(30_000);
    assertTrue(answered.accepted(), answered.describe());
    assertEquals(1, verdictSignals(source, started.workflowId()));
  }

  /** Past the caller's deadline by more than the relay's slack for clocks that differ. */
  private static final long PAST_THE_SLACK = RemoteUpdate.CLOCK_SLACK_MILLIS + 500;

  private static long verdictSignals(ClusterConnection source, String workflowId) {
    return source.client().fetchHistory(workflowId).getEvents().stream()
        .filter(HistoryEvent::hasWorkflowExecutionSignaledEventAttributes)
        .filter(
            e ->
                CallOutcomeDelivery.VERDICT_SIGNAL_NAME.equals(
                    e.getWorkflowExecutionSignaledEventAttributes().getSignalName()))
        .count();
  }
}
