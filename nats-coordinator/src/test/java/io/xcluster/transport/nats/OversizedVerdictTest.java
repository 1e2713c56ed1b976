package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamConfiguration;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.worker.WorkerFactory;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.testkit.contract.ContractCallerWorkflow;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.ContractParties;
import io.xcluster.testkit.contract.ContractRemoteWorkflow;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.testkit.nats.LocalNatsServer;
import io.xcluster.tracing.ServiceTracing;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A remote run answers a small forwarded update with a result too large to carry back: over the
 * broker's max payload, or over what the results stream stores. The caller gets a small {@link
 * UpdateVerdict#VERDICT_UNDELIVERABLE} rejection — not silence, and not an update redelivered and
 * answered again for ever.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OversizedVerdictTest {

  private LocalNatsServer nats;
  private ContractClusters clusters;
  private ClusterConnection source;
  private ClusterConnection target;
  private Connection observer;
  private WorkerFactory callers;
  private WorkerFactory remotes;
  private NatsSettings settings;
  private NatsCoordinator coordinator;

  @BeforeEach
  void startBothSides() throws Exception {
    assumeTrue(LocalNatsServer.availableForTests(), "needs nats-server");
    nats = LocalNatsServer.startThrowAway();
    clusters = ContractClusters.embedded();
    source = clusters.connectSource();
    target = clusters.connectTarget();
    observer = Nats.connect(nats.url());
    callers = ContractParties.startCallers(source, NatsTransportContractTest.quickRoute());
    remotes = NotesOnDemandRemoteWorkflow.startRemotes(target);
    settings = NatsSettings.defaults(nats.url()).allowing(Set.of(ContractRemoteWorkflow.TYPE));
    coordinator =
        NatsCoordinator.start(
            settings, source, target, ContractClusters.TARGET, ServiceTracing.disabled());
  }

  @AfterEach
  void stopAll() throws Exception {
    for (AutoCloseable part :
        new AutoCloseable[] {
          coordinator == null ? null : coordinator::kill,
          callers == null ? null : callers::shutdownNow,
          remotes == null ? null : remotes::shutdownNow,
          observer,
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

  @Test
  void verdictOverTheMaxPayloadReachesTheCallerAsVerdictUndeliverable() throws Exception {
    int maxPayload = (int) observer.getServerInfo().getMaxPayload();

    assertVerdictUndeliverable("answer-bytes:" + (maxPayload + 1_000));
  }

  @Test
  void verdictOverTheResultsStreamsMessageSizeReachesTheCallerAsVerdictUndeliverable()
      throws Exception {
    JetStreamManagement streams = observer.jetStreamManagement(settings.jetStreamOptions());
    StreamConfiguration results =
        streams.getStreamInfo(settings.resultsStream()).getConfiguration();
    // the broker takes the verdict's bytes but the stream will not store them: a refusal
    streams.updateStream(StreamConfiguration.builder(results).maximumMessageSize(4_000).build());

    assertVerdictUndeliverable("answer-bytes:20000");
  }

  private void assertVerdictUndeliverable(String note) throws Exception {
    ContractParties.StartedCaller started =
        ContractParties.startCaller(
            source.client(),
            "nats-big-verdict-" + UUID.randomUUID(),
            "fulfil",
            RemoteBehaviour.awaitRelease("parcel"),
            Duration.ofMinutes(10));
    await(
        "the remote run started",
        () -> NotesOnDemandRemoteWorkflow.started(target, started.remoteWorkflowId()));

    UpdateVerdict verdict =
        started
            .stub()
            .startUpdate(
                "forwardNote",
                WorkflowUpdateStage.ACCEPTED,
                UpdateVerdict.class,
                new ContractCallerWorkflow.NoteRequest("big-1", note))
            .getResultAsync()
            .get(60, TimeUnit.SECONDS);

    assertFalse(verdict.accepted(), verdict.describe());
    assertEquals(UpdateVerdict.VERDICT_UNDELIVERABLE, verdict.rejectionType(), verdict.describe());
    assertTrue(verdict.reason().contains("answered (accepted)"), verdict.reason());
    assertEquals(
        List.of(note),
        target
            .client()
            .newWorkflowStub(ContractRemoteWorkflow.class, started.remoteWorkflowId())
            .notes(),
        "the remote run received the update once");
    await("the relay let go of the update", this::cancelsDrained);
  }

  private boolean cancelsDrained() {
    try {
      ConsumerInfo info =
          observer
              .jetStreamManagement(settings.jetStreamOptions())
              .getConsumerInfo(settings.callsStream(), ContractClusters.TARGET + "-cancels");
      return info.getNumPending() == 0 && info.getNumAckPending() == 0;
    } catch (Exception notYet) {
      return false;
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what + " within 60 s");
      Thread.sleep(100);
    }
  }
}
