package io.xcluster.transport.nats;

import static io.xcluster.transport.nats.RelayBetweenEmbeddedClusters.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamConfiguration;
import io.temporal.client.WorkflowUpdateStage;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.testkit.contract.ContractCallerWorkflow;
import io.xcluster.testkit.contract.ContractParties;
import io.xcluster.testkit.contract.ContractRemoteWorkflow;
import io.xcluster.testkit.contract.RemoteBehaviour;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A remote run answers a small forwarded update with a result too large to carry back: over the
 * broker's max payload, or over what the results stream stores. The caller gets a small {@link
 * UpdateVerdict#VERDICT_UNDELIVERABLE} rejection — not silence, and not an update redelivered and
 * answered again for ever.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OversizedVerdictTest {

  @RegisterExtension
  final RelayBetweenEmbeddedClusters relay =
      new RelayBetweenEmbeddedClusters().remotes(NotesOnDemandRemoteWorkflow::startRemotes);

  @Test
  void verdictOverTheMaxPayloadReachesTheCallerAsVerdictUndeliverable() throws Exception {
    int maxPayload = (int) relay.observer().getServerInfo().getMaxPayload();

    assertVerdictUndeliverable("answer-bytes:" + (maxPayload + 1_000));
  }

  @Test
  void verdictOverTheResultsStreamsMessageSizeReachesTheCallerAsVerdictUndeliverable()
      throws Exception {
    NatsSettings settings = relay.settings();
    JetStreamManagement streams = relay.observer().jetStreamManagement(settings.jetStreamOptions());
    StreamConfiguration results =
        streams.getStreamInfo(settings.resultsStream()).getConfiguration();
    // the broker takes the verdict's bytes but the stream will not store them: a refusal
    streams.updateStream(StreamConfiguration.builder(results).maximumMessageSize(4_000).build());

    assertVerdictUndeliverable("answer-bytes:20000");
  }

  private void assertVerdictUndeliverable(String note) throws Exception {
    ContractParties.StartedCaller started =
        relay.startCaller(
            "nats-big-verdict-" + UUID.randomUUID(), RemoteBehaviour.awaitRelease("parcel"));
    await(
        "the remote run started",
        () -> NotesOnDemandRemoteWorkflow.started(relay.target(), started.remoteWorkflowId()));

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
        relay
            .target()
            .client()
            .newWorkflowStub(ContractRemoteWorkflow.class, started.remoteWorkflowId())
            .notes(),
        "the remote run received the update once");
    await("the relay let go of the update", relay::cancelsDrained);
  }
}
