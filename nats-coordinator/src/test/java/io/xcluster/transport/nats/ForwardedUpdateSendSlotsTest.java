package io.xcluster.transport.nats;

import static io.xcluster.transport.nats.RelayBetweenEmbeddedClusters.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.testkit.contract.ContractCallerWorkflow;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.ContractParties;
import io.xcluster.testkit.contract.ContractRemoteWorkflow;
import io.xcluster.testkit.contract.RemoteBehaviour;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Forwarded updates take one of {@link ForwardedUpdates#CONCURRENT_UPDATES} send slots: while that
 * many wait on a slow remote run, the rest wait on the stream (redelivered, not queued in the
 * relay), and each is sent once a slot frees — none lost, none applied twice.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ForwardedUpdateSendSlotsTest {

  private static final int UPDATES = ForwardedUpdates.CONCURRENT_UPDATES + 3;

  @RegisterExtension
  final RelayBetweenEmbeddedClusters relay =
      new RelayBetweenEmbeddedClusters().remotes(NotesOnDemandRemoteWorkflow::startRemotes);

  @Test
  void noMoreThanFourUpdatesAreSentAtOnceAndTheRestWaitOnTheStreamUntilASlotFrees()
      throws Exception {
    NatsSettings settings = relay.settings();
    ContractParties.StartedCaller started =
        relay.startCaller(
            "nats-update-slots-" + UUID.randomUUID(), RemoteBehaviour.awaitRelease("parcel"));
    ContractRemoteWorkflow remote =
        relay
            .target()
            .client()
            .newWorkflowStub(ContractRemoteWorkflow.class, started.remoteWorkflowId());
    await(
        "the remote run started",
        () -> NotesOnDemandRemoteWorkflow.started(relay.target(), started.remoteWorkflowId()));
    List<String> texts = IntStream.range(0, UPDATES).mapToObj(i -> "hold:" + i).toList();
    List<WorkflowUpdateHandle<UpdateVerdict>> verdicts = new ArrayList<>();
    for (String text : texts) {
      verdicts.add(
          started
              .stub()
              .startUpdate(
                  "forwardNote",
                  WorkflowUpdateStage.ACCEPTED,
                  UpdateVerdict.class,
                  new ContractCallerWorkflow.NoteRequest(text, text)));
    }

    // each update that reaches the remote run stays there, unanswered, holding its slot
    await("four updates reached the remote run", () -> notesOf(remote) == 4);
    var cancels = relay.observer().jetStreamManagement(settings.jetStreamOptions());
    String consumer = ContractClusters.TARGET + "-cancels";
    long deliveredBefore =
        cancels
            .getConsumerInfo(settings.callsStream(), consumer)
            .getDelivered()
            .getConsumerSequence();
    long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < until) {
      assertEquals(ForwardedUpdates.CONCURRENT_UPDATES, notesOf(remote), "updates sent at once");
      Thread.sleep(200);
    }
    assertTrue(
        cancels
                .getConsumerInfo(settings.callsStream(), consumer)
                .getDelivered()
                .getConsumerSequence()
            > deliveredBefore,
        "the updates without a slot are offered again from the stream, not queued in the relay");

    remote.noteSignal(NotesOnDemandRemoteWorkflow.OPEN_NOTES);

    List<String> answers = new ArrayList<>();
    for (WorkflowUpdateHandle<UpdateVerdict> handle : verdicts) {
      UpdateVerdict verdict = handle.getResultAsync().get(60, TimeUnit.SECONDS);
      answers.add(verdict.accepted() ? verdict.resultAs(String.class) : verdict.describe());
    }
    assertEquals(texts.stream().map(text -> "noted:" + text).toList(), answers);
    List<String> applied = remote.notes();
    assertEquals(UPDATES, applied.size(), "each update applied once: " + applied);
    assertEquals(Set.copyOf(texts), Set.copyOf(applied));
  }

  /** Notes the remote run has received so far; 0 before it runs. */
  private static int notesOf(ContractRemoteWorkflow remote) {
    try {
      return remote.notes().size();
    } catch (RuntimeException notStartedYet) {
      return 0;
    }
  }
}
