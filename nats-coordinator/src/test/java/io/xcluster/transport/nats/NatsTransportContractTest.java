package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.runtime.launch.TransportLaunch;
import io.xcluster.testkit.contract.ContractRemoteWorkflow;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.testkit.contract.TransportContractTest;
import io.xcluster.testkit.nats.LocalNatsServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The NATS coordinator passes the transport contract kit, unweakened, against a real nats-server;
 * and what only a broker transport has: dead letters and a broker restart.
 */
public class NatsTransportContractTest extends TransportContractTest {

  private LocalNatsServer nats;
  private NatsSettings settings;

  @Override
  protected RunningTransport startTransport(ClusterEndpoint source, ClusterEndpoint target) {
    if (nats == null) {
      assumeTrue(
          LocalNatsServer.availableForTests(),
          "nats-server not found on PATH or in /usr/sbin: the NATS transport's tests need it (apt-get install nats-server)");
      nats = LocalNatsServer.startThrowAway();
      // the subjects and streams the launcher's coordinator uses, for the broker-only cases below
      settings = NatsSettings.defaults(nats.url());
    }
    return launch(nats.url(), source, target);
  }

  /**
   * Both sides of the coordinator on {@code natsUrl}, through the launch seam as stacks start it.
   */
  static RunningTransport launch(String natsUrl, ClusterEndpoint source, ClusterEndpoint target) {
    return new NatsLauncher()
            .startInProcess(
                TransportLaunch.between(source, target)
                    .withNatsUrl(natsUrl)
                    .allowing(Set.of(ContractRemoteWorkflow.TYPE))
                    .withQuickRecovery())
        ::kill;
  }

  @Override
  protected CallRoute route() {
    return quickRoute();
  }

  static CallRoute quickRoute() {
    return new NatsTransport().routeTo("eu-west").withHeartbeatTimeout(Duration.ofSeconds(5));
  }

  @AfterAll
  void stopNats() throws Exception {
    if (nats != null) {
      nats.close();
    }
  }

  @Test
  void natsServerDownAndRestartedMidFlightLosesNoCall() throws Exception {
    List<Caller> callers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      callers.add(
          startCaller("broker-restart", RemoteBehaviour.hold("r" + i, 2_000), REMOTE_TIMEOUT));
    }
    awaitCondition(
        "some calls reached eu-west",
        () -> callers.stream().anyMatch(c -> executionsOf(c.remoteWorkflowId()) == 1));

    nats.stop();
    for (int i = 20; i < 25; i++) { // placed while the broker is down: their publish is retried
      callers.add(startCaller("broker-restart", RemoteBehaviour.hold("r" + i, 0), REMOTE_TIMEOUT));
    }
    Thread.sleep(3_000);
    nats.startAgain();

    for (int i = 0; i < callers.size(); i++) {
      assertEquals(
          "done:r" + i, callers.get(i).outcome(Duration.ofMinutes(2)).resultOrThrow(String.class));
      assertEquals(1, executionsOf(callers.get(i).remoteWorkflowId()));
    }
  }

  @Test
  void callDeliveredAgainAfterItsOutcomeRunsTheRemoteOnce() throws Exception {
    Caller caller = startCaller("redelivered", RemoteBehaviour.complete("once"), REMOTE_TIMEOUT);
    assertEquals("done:once", caller.outcome().resultOrThrow(String.class));
    CallRequest again =
        new CallRequest(
            CallId.parse(caller.remoteWorkflowId()),
            new RemoteTarget(
                "eu-west",
                "default",
                ContractRemoteWorkflow.TYPE,
                ContractRemoteWorkflow.TASK_QUEUE,
                REMOTE_TIMEOUT),
            CallPayloads.encode(RemoteBehaviour.complete("once")));

    // the same call again, as a new message (as after JetStream's duplicate window has passed)
    long sequence = publishRaw(settings.callsSubject("eu-west"), CallPayloads.toBytes(again), true);

    awaitCondition("the relay has processed the duplicate", () -> callsAckedThrough(sequence));
    assertEquals(
        1, executionsOf(caller.remoteWorkflowId()), "the duplicate attached to the closed run");
  }

  @Test
  void cancelThatOvertakesItsCallKeepsTheRemoteFromEverStarting() throws Exception {
    CallRequest late =
        new CallRequest(
            new CallId("us-east", "overtaken-" + UUID.randomUUID(), "op"),
            new RemoteTarget(
                "eu-west",
                "default",
                ContractRemoteWorkflow.TYPE,
                ContractRemoteWorkflow.TASK_QUEUE,
                REMOTE_TIMEOUT),
            CallPayloads.encode(RemoteBehaviour.complete("never")));
    try (Connection connection = NatsConnections.connect(nats.url(), "test-canceller")) {
      new NatsCallActivity(
              connection.jetStream(),
              () -> true,
              settings,
              io.opentelemetry.api.OpenTelemetry.noop(),
              CancelMarkers.open(connection, settings),
              new CallingSideMetrics("eu-west"))
          .cancel(late);
    }
    MessageInfo canceled = awaitOutcome(late.callId());
    assertTrue(
        new String(canceled.getData(), StandardCharsets.UTF_8).contains("CANCELED"),
        "the caller is told at once");

    long sequence = publishRaw(settings.callsSubject("eu-west"), CallPayloads.toBytes(late), true);

    awaitCondition("the relay has processed the late call", () -> callsAckedThrough(sequence));
    assertEquals(0, executionsOf(late.callId().value()), "a canceled call never starts");
  }

  private MessageInfo awaitOutcome(CallId callId) throws Exception {
    try (Connection connection = NatsConnections.connect(nats.url(), "test-results-reader")) {
      MessageInfo[] found = new MessageInfo[1];
      awaitCondition(
          "an outcome for " + callId,
          () -> {
            try {
              MessageInfo last =
                  connection
                      .jetStreamManagement()
                      .getLastMessage(settings.resultsStream(), settings.resultsSubject("us-east"));
              found[0] = last;
              return callId.value().equals(last.getHeaders().getFirst(WireHeaders.CALL_ID));
            } catch (Exception notYet) {
              return false;
            }
          });
      return found[0];
    }
  }

  @Test
  void callTooLargeForNatsFailsAtOnceInsteadOfBeingRetriedForever() {
    String huge = "x".repeat(1_100_000); // over nats-server's default 1 MB max payload

    Caller caller = startCaller("huge-call", RemoteBehaviour.complete(huge), REMOTE_TIMEOUT);

    var failed =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.temporal.client.WorkflowFailedException.class, () -> caller.outcome());
    assertTrue(
        String.valueOf(failed.getCause().getCause()).contains(NatsCallActivity.CALL_UNDELIVERABLE),
        String.valueOf(failed.getCause()));
    assertEquals(0, executionsOf(caller.remoteWorkflowId()));
  }

  @Test
  void outcomeTooLargeForNatsArrivesAsATypedFailureInsteadOfBeingRetriedForever() {
    // a small call whose result exceeds nats-server's default 1 MB max payload
    Caller caller =
        startCaller("huge", RemoteBehaviour.completeRepeated("x", 1_100_000), REMOTE_TIMEOUT);

    var outcome = caller.outcome();
    assertEquals(io.xcluster.port.call.OutcomeKind.FAILED, outcome.kind(), outcome.describe());
    assertEquals(CallRelay.OUTCOME_UNDELIVERABLE, outcome.failure().type());
    assertEquals(1, executionsOf(caller.remoteWorkflowId()));
  }

  @Test
  void undecodableCallIsDeadLetteredWithTheReasonAndTheStreamMovesOn() throws Exception {
    publishRaw(
        settings.callsSubject("eu-west"), "{not json".getBytes(StandardCharsets.UTF_8), true);
    MessageInfo dead = awaitDeadLetter("calls", "undecodable call");

    assertEquals(
        "{not json",
        new String(dead.getData(), StandardCharsets.UTF_8),
        "the dead letter keeps the original body");
    assertEquals(
        settings.callsSubject("eu-west"), dead.getHeaders().getFirst(WireHeaders.ORIGINAL_SUBJECT));
    Caller after = startCaller("after-poison", RemoteBehaviour.complete("ok"), REMOTE_TIMEOUT);
    assertEquals(
        "done:ok",
        after.outcome().resultOrThrow(String.class),
        "the poison message blocks nothing");
  }

  @Test
  void callForAWorkflowTypeTheRelayMayNotStartIsDeadLettered() throws Exception {
    CallRequest request =
        new CallRequest(
            new CallId("us-east", "intruder-" + UUID.randomUUID(), "op"),
            new RemoteTarget(
                "eu-west", "default", "DropTablesWorkflow", "anything", Duration.ofMinutes(1)),
            CallPayloads.encode("x"));

    publishRaw(settings.callsSubject("eu-west"), CallPayloads.toBytes(request), true);

    awaitDeadLetter(
        "calls", "asks for workflow type DropTablesWorkflow, which this relay may not start");
  }

  @Test
  void callWithoutReplySubjectIsDeadLettered() throws Exception {
    CallRequest request =
        new CallRequest(
            new CallId("us-east", "noreply-" + UUID.randomUUID(), "op"),
            new RemoteTarget(
                "eu-west",
                "default",
                ContractRemoteWorkflow.TYPE,
                ContractRemoteWorkflow.TASK_QUEUE,
                Duration.ofMinutes(1)),
            CallPayloads.encode(RemoteBehaviour.complete("x")));

    publishRaw(settings.callsSubject("eu-west"), CallPayloads.toBytes(request), false);

    awaitDeadLetter("calls", "has no " + WireHeaders.REPLY_SUBJECT + " header");
  }

  @Test
  void undecodableOutcomeIsDeadLettered() throws Exception {
    publishRaw(settings.resultsSubject("us-east"), "[]".getBytes(StandardCharsets.UTF_8), false);

    awaitDeadLetter("results", "undecodable outcome");
  }

  @Test
  void callAskingForItsOutcomeOutsideTheResultsSubjectsIsDeadLetteredBeforeAnythingStarts()
      throws Exception {
    CallRequest request =
        new CallRequest(
            new CallId("us-east", "misdirected-" + UUID.randomUUID(), "op"),
            new RemoteTarget(
                "eu-west",
                "default",
                ContractRemoteWorkflow.TYPE,
                ContractRemoteWorkflow.TASK_QUEUE,
                REMOTE_TIMEOUT),
            CallPayloads.encode(RemoteBehaviour.complete("x")));
    Headers headers = new Headers();
    // a typo, or a publisher pointing outcomes back into the calls stream
    headers.put(WireHeaders.REPLY_SUBJECT, settings.callsSubject("eu-west"));

    long sequence =
        publishRaw(settings.callsSubject("eu-west"), CallPayloads.toBytes(request), headers);

    awaitDeadLetter(
        "calls",
        "asks for its outcome on '"
            + settings.callsSubject("eu-west")
            + "', which is not one of the results subjects");
    awaitCondition(
        "the relay has let go of the misdirected call", () -> callsAckedThrough(sequence));
    assertEquals(
        0,
        executionsOf(request.callId().value()),
        "nothing started for a call whose outcome could not be delivered");
  }

  @Test
  void outcomeTheResultsStreamRefusesIsDeadLetteredWithTheOutcomeAttachedInsteadOfRetriedForever()
      throws Exception {
    try (Connection connection = NatsConnections.connect(nats.url(), "test-stream-admin")) {
      JetStreamManagement management = connection.jetStreamManagement();
      StreamConfiguration original =
          management.getStreamInfo(settings.resultsStream()).getConfiguration();
      // the broker answers but refuses: a reason that will not heal by retrying
      management.updateStream(
          StreamConfiguration.builder(original).maximumMessageSize(2_000).build());
      try {
        Caller caller =
            startCaller(
                "refused-outcome", RemoteBehaviour.completeRepeated("x", 10_000), REMOTE_TIMEOUT);

        MessageInfo dead = awaitDeadLetter("outcomes", "JetStream refused the outcome");

        String attached = new String(dead.getData(), StandardCharsets.UTF_8);
        assertTrue(
            attached.contains(caller.remoteWorkflowId()) && attached.contains("COMPLETED"),
            "the outcome is attached: " + attached);
        assertEquals(
            settings.resultsSubject("us-east"),
            dead.getHeaders().getFirst(WireHeaders.REPLY_SUBJECT));
        assertEquals(1, executionsOf(caller.remoteWorkflowId()));
      } finally {
        management.updateStream(original);
      }
    }
  }

  @Test
  void callForAnotherClusterIsDeadLetteredNamingBothInsteadOfStartedHere() throws Exception {
    CallRequest request =
        new CallRequest(
            new CallId("us-east", "misrouted-" + UUID.randomUUID(), "op"),
            new RemoteTarget(
                "ap-south",
                "default",
                ContractRemoteWorkflow.TYPE,
                ContractRemoteWorkflow.TASK_QUEUE,
                REMOTE_TIMEOUT),
            CallPayloads.encode(RemoteBehaviour.complete("x")));

    publishRaw(settings.callsSubject("eu-west"), CallPayloads.toBytes(request), true);

    awaitDeadLetter(
        "calls", "names cluster/namespace ap-south/default, this relay serves eu-west/default");
    assertEquals(0, executionsOf(request.callId().value()), "nothing ran in the wrong cluster");
  }

  @Test
  void outcomeOfAnotherClustersCallIsDeadLetteredInsteadOfSignalledToANamesake() throws Exception {
    byte[] outcome =
        CallPayloads.toBytes(
            new io.xcluster.port.spi.DeliveredOutcome(
                new CallId("ap-south", "namesake-" + UUID.randomUUID(), "op").value(),
                io.xcluster.port.call.CallOutcome.canceled()));

    publishRaw(settings.resultsSubject("us-east"), outcome, false);

    awaitDeadLetter("results", "names cluster ap-south, this calling side serves us-east");
  }

  @Test
  void messageOfAnUnknownKindIsDeadLetteredNamingTheKind() throws Exception {
    Headers headers = new Headers();
    headers.put(WireHeaders.KIND, "teleport");

    publishRaw(settings.resultsSubject("us-east"), "{}".getBytes(StandardCharsets.UTF_8), headers);
    awaitDeadLetter("results", "unknown " + WireHeaders.KIND + " 'teleport'");

    publishRaw(settings.cancelsSubject("eu-west"), "{}".getBytes(StandardCharsets.UTF_8), headers);
    awaitDeadLetter("cancels", "unknown " + WireHeaders.KIND + " 'teleport'");
  }

  @Test
  void deadLetterKeepsAReasonThatEchoesLineBreaksAndNonAsciiWireData() throws Exception {
    // the decoder's message quotes the token: non-ASCII and a line break, which no header may carry
    publishRaw(
        settings.callsSubject("eu-west"), "grüße\r\n{".getBytes(StandardCharsets.UTF_8), true);

    MessageInfo dead = awaitDeadLetter("calls", "undecodable call");

    String reason = dead.getHeaders().getFirst(WireHeaders.DEAD_LETTER_REASON);
    assertTrue(reason.chars().allMatch(c -> c >= 0x20 && c < 0x7f), reason);
    assertTrue(reason.contains("gr\\u00fc\\u00dfe"), reason);
  }

  @Test
  void deadLetterDropsTheJetStreamOrdersTheOriginalCarried() throws Exception {
    Headers headers = new Headers();
    headers.put(WireHeaders.REPLY_SUBJECT, settings.resultsSubject("us-east"));
    // an order to the calls stream, which the dead-letter stream would refuse for ever
    headers.put("Nats-Expected-Stream", settings.callsStream());

    publishRaw(
        settings.callsSubject("eu-west"), "{expected".getBytes(StandardCharsets.UTF_8), headers);

    MessageInfo dead = awaitDeadLetter("calls", "undecodable call: ");
    assertEquals("{expected", new String(dead.getData(), StandardCharsets.UTF_8));
    assertEquals(null, dead.getHeaders().getFirst("Nats-Expected-Stream"));
  }

  @Test
  void deadLetterOfABodyAtTheMaxPayloadKeepsItsHeadAndSaysSo() throws Exception {
    byte[] body;
    try (Connection connection = NatsConnections.connect(nats.url(), "test-max-payload")) {
      // as large as the broker takes with the call's own small headers: no room for the reason
      body = new byte[(int) connection.getServerInfo().getMaxPayload() - 200];
    }
    java.util.Arrays.fill(body, (byte) '{');

    publishRaw(settings.callsSubject("eu-west"), body, true);

    MessageInfo dead = awaitDeadLetter("calls", "undecodable call");
    assertEquals(DeadLetters.KEPT_OF_A_TOO_LARGE_BODY, dead.getData().length);
    assertEquals(
        "kept " + DeadLetters.KEPT_OF_A_TOO_LARGE_BODY + " of " + body.length + " bytes",
        dead.getHeaders().getFirst(WireHeaders.DEAD_LETTER_TRUNCATED));
  }

  @Test
  void updateForACallCanceledBeforeItStartedIsRejectedInsteadOfRedeliveredForever()
      throws Exception {
    CallRequest neverStarted =
        new CallRequest(
            new CallId("us-east", "never-started-" + UUID.randomUUID(), "op"),
            new RemoteTarget(
                "eu-west",
                "default",
                ContractRemoteWorkflow.TYPE,
                ContractRemoteWorkflow.TASK_QUEUE,
                REMOTE_TIMEOUT),
            CallPayloads.encode(RemoteBehaviour.complete("never")));
    try (Connection connection = NatsConnections.connect(nats.url(), "test-canceller")) {
      new NatsCallActivity(
              connection.jetStream(),
              () -> true,
              settings,
              io.opentelemetry.api.OpenTelemetry.noop(),
              CancelMarkers.open(connection, settings),
              new CallingSideMetrics("eu-west"))
          .cancel(neverStarted);
    }
    io.xcluster.port.call.RemoteUpdate update =
        io.xcluster.port.call.RemoteUpdate.of(
            neverStarted.callId(),
            neverStarted.target(),
            "note",
            "r1",
            CallPayloads.encode("hello"));
    Headers headers = new Headers();
    headers.put(WireHeaders.KIND, NatsCallActivity.UPDATE);
    headers.put(WireHeaders.REPLY_SUBJECT, settings.resultsSubject("us-east"));

    publishRaw(settings.cancelsSubject("eu-west"), CallPayloads.toBytes(update), headers);

    try (Connection connection = NatsConnections.connect(nats.url(), "test-results-reader")) {
      awaitCondition(
          "a verdict saying the remote run never started",
          () -> {
            try {
              MessageInfo last =
                  connection
                      .jetStreamManagement()
                      .getLastMessage(settings.resultsStream(), settings.resultsSubject("us-east"));
              return new String(last.getData(), StandardCharsets.UTF_8)
                  .contains(io.xcluster.port.call.UpdateVerdict.REMOTE_RUN_NEVER_STARTED);
            } catch (Exception notYet) {
              return false;
            }
          });
    }
  }

  @Test
  void eachRunOfACallCanceledBeforeItStartedGetsACanceledOfItsOwn() throws Exception {
    // e.g. an order reset in Temporal soon after it was canceled: a new run asks the same call
    CallRequest neverStarted =
        new CallRequest(
            new CallId("us-east", "canceled-then-rerun-" + UUID.randomUUID(), "op"),
            new RemoteTarget(
                "eu-west",
                "default",
                ContractRemoteWorkflow.TYPE,
                ContractRemoteWorkflow.TASK_QUEUE,
                REMOTE_TIMEOUT),
            CallPayloads.encode(RemoteBehaviour.complete("never")));
    try (Connection connection = NatsConnections.connect(nats.url(), "test-canceller")) {
      new NatsCallActivity(
              connection.jetStream(),
              () -> true,
              settings,
              io.opentelemetry.api.OpenTelemetry.noop(),
              CancelMarkers.open(connection, settings),
              new CallingSideMetrics("eu-west"))
          .cancel(neverStarted);
    }

    for (String run : List.of("run-1", "run-2")) {
      Headers headers = new Headers();
      headers.put(WireHeaders.REPLY_SUBJECT, settings.resultsSubject("us-east"));
      headers.put(WireHeaders.CALLER_RUN, run);
      try (Connection connection = NatsConnections.connect(nats.url(), "test-publisher")) {
        connection
            .jetStream()
            .publish(
                settings.callsSubject("eu-west"),
                headers,
                CallPayloads.toBytes(neverStarted),
                io.nats.client.PublishOptions.builder()
                    .messageId(NatsCallActivity.callMessageId(neverStarted, run))
                    .build());
      }
    }

    // the cancel's own CANCELED, and one per run: none de-duplicated away as another's
    awaitCondition(
        "three CANCELED outcomes for " + neverStarted.callId(),
        () -> canceledOutcomesOf(neverStarted.callId()) >= 3);
  }

  /** How many CANCELED outcomes of {@code call} the results stream holds. */
  private int canceledOutcomesOf(CallId call) {
    try (Connection connection = NatsConnections.connect(nats.url(), "test-results-counter")) {
      JetStreamManagement management = connection.jetStreamManagement();
      int count = 0;
      long next = 1;
      while (true) {
        MessageInfo info;
        try {
          info =
              management.getNextMessage(
                  settings.resultsStream(), next, settings.resultsSubject("us-east"));
        } catch (io.nats.client.JetStreamApiException none) {
          return count;
        }
        next = info.getSeq() + 1;
        if (info.getHeaders() != null // other tests' raw messages may have none
            && call.value().equals(info.getHeaders().getFirst(WireHeaders.CALL_ID))
            && new String(info.getData(), StandardCharsets.UTF_8).contains("CANCELED")) {
          count++;
        }
      }
    } catch (Exception notYet) {
      return 0;
    }
  }

  /** Publishes with the given headers and no message id; returns its stream sequence. */
  private long publishRaw(String subject, byte[] body, Headers headers) throws Exception {
    try (Connection connection = NatsConnections.connect(nats.url(), "test-publisher")) {
      return connection.jetStream().publish(subject, headers, body).getSeqno();
    }
  }

  /**
   * Publishes without a message id (so JetStream does not de-duplicate it); returns its stream
   * sequence.
   */
  private long publishRaw(String subject, byte[] body, boolean withReply) throws Exception {
    try (Connection connection = NatsConnections.connect(nats.url(), "test-publisher")) {
      Headers headers = new Headers();
      if (withReply) {
        headers.put(WireHeaders.REPLY_SUBJECT, settings.resultsSubject("us-east"));
      }
      return connection.jetStream().publish(subject, headers, body).getSeqno();
    }
  }

  private boolean callsAckedThrough(long sequence) {
    try (Connection connection = NatsConnections.connect(nats.url(), "test-inspector")) {
      var info =
          connection.jetStreamManagement().getConsumerInfo(settings.callsStream(), "eu-west-calls");
      return info.getAckFloor().getStreamSequence() >= sequence;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * The last dead letter each kind's wait returned: the server is shared by this class's tests, so
   * an earlier test's letter (same reason, e.g. "undecodable call") must not pass for a later
   * one's.
   */
  private final java.util.Map<String, Long> deadLettersSeen =
      new java.util.concurrent.ConcurrentHashMap<>();

  private MessageInfo awaitDeadLetter(String kind, String reasonFragment) throws Exception {
    try (Connection connection = NatsConnections.connect(nats.url(), "test-dlq-reader")) {
      JetStreamManagement management = connection.jetStreamManagement();
      MessageInfo[] found = new MessageInfo[1];
      awaitCondition(
          "a dead letter saying '" + reasonFragment + "'",
          () -> {
            try {
              MessageInfo last =
                  management.getLastMessage(
                      settings.deadLetterStream(), settings.deadLetterSubject(kind));
              if (last.getSeq() <= deadLettersSeen.getOrDefault(kind, 0L)) {
                return false; // an earlier test's
              }
              String reason = last.getHeaders().getFirst(WireHeaders.DEAD_LETTER_REASON);
              found[0] = last;
              return reason != null && reason.contains(reasonFragment);
            } catch (Exception notYet) {
              return false;
            }
          });
      assertTrue(
          found[0].getHeaders().getFirst(WireHeaders.DEAD_LETTER_REASON).contains(reasonFragment));
      deadLettersSeen.put(kind, found[0].getSeq());
      return found[0];
    }
  }
}
