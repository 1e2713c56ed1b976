package io.xcluster.testkit.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.worker.WorkerFactory;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.CallProgress;
import io.xcluster.port.call.OutcomeKind;
import io.xcluster.port.call.RemoteCallFailedException;
import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.call.RemoteUpdate;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.remote.RemoteRuns;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.OutcomeProtocol;
import io.xcluster.port.workflow.CallCancellationType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every cross-cluster transport must show, whatever carries the call. A transport
 * module passes it by extending this class and saying how to start (and kill) its process.
 *
 * <p>Each case runs a caller workflow on the source cluster that reaches the remote workflow on the
 * target cluster only through the port; remote executions are counted on the target side.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class TransportContractTest {

  /** One running transport process as the kit sees it. */
  public interface RunningTransport {
    /** Stops at once, completing nothing and saying goodbye to no one, like SIGKILL. */
    void kill();
  }

  /** Starts the transport between {@code source} (the calling cluster) and {@code target}. */
  protected abstract RunningTransport startTransport(
      ClusterEndpoint source, ClusterEndpoint target);

  /**
   * The route the caller uses to reach the transport; keep its heartbeat timeout short (a few
   * seconds) so that the restart case does not wait long for a dead process to be noticed.
   */
  protected abstract CallRoute route();

  /**
   * The two clusters the kit runs on; two in-process test servers unless a subclass brings real
   * ones.
   */
  protected ContractClusters startClusters() {
    return ContractClusters.embedded();
  }

  protected static final Duration REMOTE_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration AWAIT = Duration.ofSeconds(90);

  private ContractClusters clusters;
  private ClusterConnection source;
  private ClusterConnection target;
  private WorkerFactory sourceWorkers;
  private WorkerFactory targetWorkers;
  private RunningTransport transport;
  private String testName;

  @BeforeAll
  void startClustersWorkersAndTransport() {
    clusters = startClusters();
    source = clusters.connectSource();
    target = clusters.connectTarget();

    sourceWorkers = ContractParties.startCallers(source, route());
    targetWorkers = ContractParties.startRemotes(target);

    transport = startTransport(clusters.source(), clusters.target());
  }

  @AfterAll
  void stopEverything() {
    if (transport != null) {
      transport.kill();
    }
    for (WorkerFactory workers : new WorkerFactory[] {sourceWorkers, targetWorkers}) {
      if (workers != null) {
        workers.shutdownNow();
      }
    }
    for (ClusterConnection connection : new ClusterConnection[] {source, target}) {
      if (connection != null) {
        connection.closeNow();
      }
    }
    if (clusters != null) {
      clusters.close();
    }
  }

  @org.junit.jupiter.api.BeforeEach
  void rememberTestName(TestInfo info) {
    testName = info.getTestMethod().map(m -> m.getName()).orElse("case");
  }

  @Test
  void happyPathReturnsTheRemoteResult() {
    Caller caller = startCaller("happy", RemoteBehaviour.complete("parcel-1"), REMOTE_TIMEOUT);

    CallOutcome outcome = caller.outcome();

    assertEquals(OutcomeKind.COMPLETED, outcome.kind(), outcome.describe());
    assertEquals("done:parcel-1", outcome.resultOrThrow(String.class));
    assertEquals(1, ExecutionLedger.InMemory.executionsOf(caller.remoteWorkflowId()));
  }

  @Test
  void duplicateStartAttachesToTheRunningRemoteWorkflow() {
    String callerId = newCallerId();
    String remoteId = remoteIdOf(callerId, "attach-running");
    WorkflowStub alreadyRunning =
        startRemoteDirectly(remoteId, RemoteBehaviour.awaitRelease("first"));
    awaitCondition("the pre-started remote workflow runs", () -> executionsOf(remoteId) == 1);

    Caller caller =
        startCaller(
            callerId, "attach-running", RemoteBehaviour.awaitRelease("second"), REMOTE_TIMEOUT);
    awaitCondition("the transport has taken the call", () -> transportHasTakenTheCall(callerId));
    alreadyRunning.signal("release");

    CallOutcome outcome = caller.outcome();
    assertEquals(
        "done:first", outcome.resultOrThrow(String.class), "the call attached to the first run");
    assertEquals(1, executionsOf(remoteId), "the remote workflow ran once");
  }

  @Test
  void duplicateStartAfterTheRemoteFinishedReturnsItsOutcomeWithoutRunningAgain() throws Exception {
    String callerId = newCallerId();
    String remoteId = remoteIdOf(callerId, "attach-finished");
    WorkflowStub finished = startRemoteDirectly(remoteId, RemoteBehaviour.complete("first"));
    finished.getResult(30, TimeUnit.SECONDS, String.class);

    Caller caller =
        startCaller(
            callerId, "attach-finished", RemoteBehaviour.complete("second"), REMOTE_TIMEOUT);

    assertEquals("done:first", caller.outcome().resultOrThrow(String.class));
    assertEquals(
        1, executionsOf(remoteId), "a retry after the remote closed must not start a second run");
  }

  @Test
  void forwardedUpdateAcceptedByTheRemoteRunReturnsItsResult() {
    Caller caller = startCaller("update", RemoteBehaviour.awaitRelease("parcel"), REMOTE_TIMEOUT);
    awaitCondition("the remote workflow runs", () -> executionsOf(caller.remoteWorkflowId()) == 1);

    UpdateVerdict verdict = forwardNote(caller, "request-1", "leave at the door");

    assertTrue(verdict.accepted(), verdict.describe());
    assertEquals("noted:leave at the door", verdict.resultAs(String.class));
    assertEquals(List.of("leave at the door"), remoteNotes(caller));
    releaseAndAwaitOutcome(caller);
  }

  @Test
  void forwardedUpdateRejectedByTheRemoteValidatorCarriesTheRemoteReason() {
    Caller caller =
        startCaller("update-refused", RemoteBehaviour.awaitRelease("parcel"), REMOTE_TIMEOUT);
    awaitCondition("the remote workflow runs", () -> executionsOf(caller.remoteWorkflowId()) == 1);

    UpdateVerdict verdict = forwardNote(caller, "request-1", "refuse this one");

    assertFalse(verdict.accepted(), verdict.describe());
    // the validator's own type once the SDK carries it (sdk-java#2875, after 1.38.0)
    assertTrue(
        List.of(ContractRemoteWorkflow.NOTE_REFUSED, UpdateVerdict.REJECTED)
            .contains(verdict.rejectionType()),
        verdict.rejectionType());
    assertTrue(verdict.reason().contains("refuses note 'refuse this one'"), verdict.reason());
    assertEquals(List.of(), remoteNotes(caller), "a rejected update changes nothing remotely");
    releaseAndAwaitOutcome(caller);
  }

  @Test
  void forwardedUpdateSentAgainUnderTheSameRequestIdAppliesOnce() {
    Caller caller =
        startCaller("update-twice", RemoteBehaviour.awaitRelease("parcel"), REMOTE_TIMEOUT);
    awaitCondition("the remote workflow runs", () -> executionsOf(caller.remoteWorkflowId()) == 1);

    UpdateVerdict first = forwardNote(caller, "request-1", "ring twice");
    // the same request again, as a retried HTTP request sends it
    UpdateVerdict again = forwardNote(caller, "request-1", "ring twice");
    // and the update itself sent again, as a transport's retry or a redelivery does after it was
    // applied: the remote cluster answers the known update id with its first result
    String resent =
        target
            .client()
            .newUntypedWorkflowStub(caller.remoteWorkflowId())
            .startUpdate(
                UpdateOptions.newBuilder(String.class)
                    .setUpdateName(ContractRemoteWorkflow.NOTE_UPDATE)
                    .setUpdateId(caller.remoteWorkflowId() + "/note/request-1")
                    .setWaitForStage(WorkflowUpdateStage.COMPLETED)
                    .build(),
                "ring twice")
            .getResult();
    UpdateVerdict other = forwardNote(caller, "request-2", "ring twice");

    assertTrue(first.accepted() && again.accepted() && other.accepted());
    assertEquals("noted:ring twice", resent);
    assertEquals(
        List.of("ring twice", "ring twice"),
        remoteNotes(caller),
        "request-1 applied once, request-2 once");
    releaseAndAwaitOutcome(caller);
  }

  /**
   * Whether the target server drops a signal whose request id a run has already had. Real Temporal
   * servers do; the in-process Java test server does not, so the kit's embedded runs cannot show
   * the remote half of a forwarded signal's deduplication.
   */
  protected boolean serverDeduplicatesSignals() {
    return false;
  }

  @Test
  void forwardedSignalSentAgainUnderTheSameRequestIdIsDeliveredOnce() {
    Caller caller =
        startCaller("signal-twice", RemoteBehaviour.awaitRelease("parcel"), REMOTE_TIMEOUT);
    awaitCondition("the remote workflow runs", () -> executionsOf(caller.remoteWorkflowId()) == 1);

    UpdateVerdict first = forwardNoteSignal(caller, "request-1", "hold the parcel");
    // the same request again, as a retried HTTP request sends it
    UpdateVerdict again = forwardNoteSignal(caller, "request-1", "hold the parcel");
    if (serverDeduplicatesSignals()) {
      // and the forward itself sent again, as a transport's retry or a redelivery does after the
      // signal went in: the remote cluster drops it by its request id
      UpdateVerdict resent =
          new RemoteRuns(target.client())
              .signal(
                  RemoteUpdate.of(
                      RemoteUpdate.Kind.SIGNAL,
                      new CallId(ContractClusters.SOURCE, caller.workflowId(), "signal-twice"),
                      contractTarget(),
                      ContractRemoteWorkflow.NOTE_SIGNAL,
                      "request-1",
                      CallPayloads.encode("hold the parcel")));
      assertTrue(resent.accepted(), resent.describe());
    }
    UpdateVerdict other = forwardNoteSignal(caller, "request-2", "hold the parcel");
    // an update after the signals: applied once they all are, so the notes are complete then
    UpdateVerdict last = forwardNote(caller, "request-3", "last");

    assertTrue(
        first.accepted() && again.accepted() && other.accepted() && last.accepted(),
        first.describe() + " / " + again.describe() + " / " + other.describe());
    assertEquals(
        List.of("hold the parcel", "hold the parcel", "last"),
        remoteNotes(caller),
        "request-1 delivered once, request-2 once");
    releaseAndAwaitOutcome(caller);
  }

  /** Delivers a call's outcome to its caller once more, the way a transport repeats one. */
  protected interface OutcomeRepeater {
    /** Delivers {@code caller}'s outcome again; returns once the transport has handled it. */
    void deliverAgain(Caller caller);
  }

  /**
   * How this test makes its transport repeat an outcome as it does in production (the target's
   * callback replayed, the outcome message delivered a second time); none by default, which skips
   * the case that needs one.
   */
  protected Optional<OutcomeRepeater> outcomeRepeater() {
    return Optional.empty();
  }

  /**
   * The outcome signal goes out under one request id per call, so the calling cluster itself drops
   * a repeat: the caller's history holds one outcome signal however often the transport sends it.
   * The caller stays open meanwhile — a closed one would refuse the repeat whatever its request id.
   */
  @Test
  void aRepeatedOutcomeAddsNoSecondSignalToTheCaller() {
    assumeTrue(
        serverDeduplicatesSignals(),
        "needs a server that drops a signal whose request id the run has had (real servers)");
    OutcomeRepeater repeater = outcomeRepeater().orElse(null);
    assumeTrue(repeater != null, "this test cannot make its transport repeat an outcome");
    Caller caller =
        callTakenByTheTransport(
            new ContractCall(
                    "repeated-outcome", RemoteBehaviour.awaitRelease("parcel"), REMOTE_TIMEOUT)
                .stayingOpen());
    target.client().newUntypedWorkflowStub(caller.remoteWorkflowId()).signal("release");
    awaitCondition("the outcome has come as a signal", () -> outcomeSignals(caller) >= 1);

    repeater.deliverAgain(caller);

    assertEquals(
        1,
        outcomeSignals(caller),
        () -> "one outcome signal, repeat or not: " + historyOf(caller.workflowId()));
    source.client().newWorkflowStub(ContractCallerWorkflow.class, caller.workflowId()).finish();
    assertEquals("done:parcel", caller.outcome().resultOrThrow(String.class));
    assertEquals(1, executionsOf(caller.remoteWorkflowId()));
  }

  /** The outcome signals in the caller's history. */
  private long outcomeSignals(Caller caller) {
    return source.client().fetchHistory(caller.workflowId()).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
        .filter(
            e ->
                CallOutcomeDelivery.SIGNAL_NAME.equals(
                    e.getWorkflowExecutionSignaledEventAttributes().getSignalName()))
        .count();
  }

  @Test
  void remoteQueryAnswersWithTheRemoteRunsState() {
    Caller caller = startCaller("query", RemoteBehaviour.awaitRelease("parcel"), REMOTE_TIMEOUT);
    awaitCondition("the remote workflow runs", () -> executionsOf(caller.remoteWorkflowId()) == 1);
    forwardNote(caller, "request-1", "fragile");

    UpdateVerdict answer = queryRemoteNotes(caller, Duration.ofSeconds(60));

    assertTrue(answer.accepted(), answer.describe());
    assertEquals(List.of("fragile"), answer.resultAs(List.class));
    releaseAndAwaitOutcome(caller);
  }

  @Test
  void remoteQueryWithTheTransportDownFailsTypedWithinItsTimeout() {
    Caller caller = callTakenByTheTransport("query-down", CallCancellationType.WAIT_COMPLETED);
    UpdateVerdict[] answer = new UpdateVerdict[1];

    restartTransportAround(() -> answer[0] = queryRemoteNotes(caller, Duration.ofSeconds(3)));

    assertFalse(answer[0].accepted(), answer[0].describe());
    assertEquals(UpdateVerdict.UNREACHABLE, answer[0].rejectionType());
    assertTrue(answer[0].reason().contains("within 3000 ms"), answer[0].reason());
    releaseAndAwaitOutcome(caller);
  }

  @Test
  void progressReportedByTheRemoteRunReachesTheCallerAndOlderReportsAreIgnored() {
    Caller caller = startCaller("progress", RemoteBehaviour.awaitRelease("parcel"), REMOTE_TIMEOUT);
    awaitCondition("the remote workflow runs", () -> executionsOf(caller.remoteWorkflowId()) == 1);

    // each note applied remotely reports "noted:<text>" as the run's progress
    forwardNote(caller, "request-1", "picked");
    forwardNote(caller, "request-2", "packed");
    forwardNote(caller, "request-3", "shipped");

    awaitCondition(
        "the caller has the third report",
        () -> progressOf(caller) != null && progressOf(caller).sequence() == 3);
    assertEquals("noted:shipped", progressOf(caller).progressAs(String.class));
    // a report repeated or late, as a redelivery brings it, changes nothing
    source
        .client()
        .newUntypedWorkflowStub(caller.workflowId())
        .signal(
            CallOutcomeDelivery.PROGRESS_SIGNAL_NAME,
            new CallProgress(caller.remoteWorkflowId(), 1, CallPayloads.encode("noted:picked"), 0));
    forwardNoteSignal(caller, "request-4", "after"); // the caller has handled the signal then
    assertEquals(3, progressOf(caller).sequence());
    assertEquals("noted:shipped", progressOf(caller).progressAs(String.class));
    releaseAndAwaitOutcome(caller);
  }

  private CallProgress progressOf(Caller caller) {
    return source
        .client()
        .newWorkflowStub(ContractCallerWorkflow.class, caller.workflowId())
        .progress();
  }

  private UpdateVerdict forwardNoteSignal(Caller caller, String requestId, String text) {
    return source
        .client()
        .newWorkflowStub(ContractCallerWorkflow.class, caller.workflowId())
        .forwardNoteSignal(new ContractCallerWorkflow.NoteRequest(requestId, text));
  }

  private UpdateVerdict queryRemoteNotes(Caller caller, Duration timeout) {
    return source
        .client()
        .newWorkflowStub(ContractCallerWorkflow.class, caller.workflowId())
        .queryRemoteNotes(timeout.toMillis());
  }

  private static RemoteTarget contractTarget() {
    return new RemoteTarget(
        ContractClusters.TARGET,
        ContractClusters.NAMESPACE,
        ContractRemoteWorkflow.TYPE,
        ContractRemoteWorkflow.TASK_QUEUE,
        REMOTE_TIMEOUT);
  }

  private UpdateVerdict forwardNote(Caller caller, String requestId, String text) {
    return source
        .client()
        .newWorkflowStub(ContractCallerWorkflow.class, caller.workflowId())
        .forwardNote(new ContractCallerWorkflow.NoteRequest(requestId, text));
  }

  private List<String> remoteNotes(Caller caller) {
    return target
        .client()
        .newWorkflowStub(ContractRemoteWorkflow.class, caller.remoteWorkflowId())
        .notes();
  }

  private void releaseAndAwaitOutcome(Caller caller) {
    target.client().newUntypedWorkflowStub(caller.remoteWorkflowId()).signal("release");
    CallOutcome outcome = caller.outcome();
    assertEquals(OutcomeKind.COMPLETED, outcome.kind(), outcome.describe());
    assertEquals(1, executionsOf(caller.remoteWorkflowId()));
  }

  @Test
  void remoteBusinessFailureArrivesAsATypedFailureWithoutRetries() {
    Caller caller = startCaller("fail", RemoteBehaviour.fail("order-7"), REMOTE_TIMEOUT);

    CallOutcome outcome = caller.outcome();

    assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.describe());
    assertEquals(ContractRemoteWorkflow.BUSINESS_FAILURE, outcome.failure().type());
    assertTrue(
        outcome.failure().message().contains("remote rejected order-7"),
        outcome.failure().message());
    assertTrue(outcome.failure().nonRetryable());
    RemoteCallFailedException thrown =
        assertThrows(RemoteCallFailedException.class, () -> outcome.resultOrThrow(String.class));
    assertEquals(ContractRemoteWorkflow.BUSINESS_FAILURE, thrown.failureType());
    assertEquals(1, executionsOf(caller.remoteWorkflowId()));
    assertEquals(
        1, transportActivityAttempts(caller.workflowId()), "a business failure is not retried");
  }

  @Test
  void remoteTimeoutArrivesAsTimedOut() {
    Caller caller =
        startCaller("slow", RemoteBehaviour.hold("late", 60_000), Duration.ofSeconds(5));

    CallOutcome outcome = caller.outcome();

    assertEquals(OutcomeKind.TIMED_OUT, outcome.kind(), outcome.describe());
    assertEquals(1, executionsOf(caller.remoteWorkflowId()));
  }

  @Test
  void cancellingTheCallerCancelsTheRemoteWorkflow() {
    Caller caller = startCaller("cancel", RemoteBehaviour.awaitRelease("never"), REMOTE_TIMEOUT);
    awaitCondition("the remote workflow runs", () -> executionsOf(caller.remoteWorkflowId()) == 1);
    awaitCondition(
        "the transport has taken the call", () -> transportHasTakenTheCall(caller.workflowId()));

    caller.stub().cancel();

    try {
      awaitCondition(
          "the remote workflow is canceled",
          () ->
              remoteStatus(caller.remoteWorkflowId())
                  == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage() + "; caller history: " + historyOf(caller.workflowId()), e);
    }
    awaitCondition("the caller has seen the CANCELED outcome", () -> seenOutcome(caller) != null);
    assertEquals(OutcomeKind.CANCELED, seenOutcome(caller).kind());
  }

  /**
   * Whether the clusters time out a cancel-requested activity whose worker died. Real servers do;
   * the embedded Java test server never does, so the next case runs on real servers only.
   */
  protected boolean serverTimesOutAbandonedActivities() {
    return false;
  }

  @Test
  void cancellingWhileTheTransportIsDownStillCancelsTheRemoteOnceItIsBack() {
    assumeTrue(
        serverTimesOutAbandonedActivities(),
        "needs a server that times out an abandoned cancel-requested activity (real servers)");
    Caller caller =
        startCaller("cancel-while-down", RemoteBehaviour.awaitRelease("never"), REMOTE_TIMEOUT);
    awaitCondition("the remote workflow runs", () -> executionsOf(caller.remoteWorkflowId()) == 1);
    awaitCondition(
        "the transport has taken the call", () -> transportHasTakenTheCall(caller.workflowId()));

    restartTransportAround(
        () -> {
          caller.stub().cancel();
          sleep(
              Duration.ofSeconds(
                  5)); // past the route's heartbeat timeout: the dead transport's activity times
          // out
        });

    awaitCondition(
        "the remote workflow is canceled",
        () ->
            remoteStatus(caller.remoteWorkflowId())
                == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
    awaitCondition("the caller has seen the CANCELED outcome", () -> seenOutcome(caller) != null);
    assertEquals(OutcomeKind.CANCELED, seenOutcome(caller).kind());
    assertEquals(1, executionsOf(caller.remoteWorkflowId()));
  }

  @Test
  void abandonSettlesCanceledAtOnceAndLeavesTheRemoteRunGoing() {
    Caller caller = callTakenByTheTransport("abandon", CallCancellationType.ABANDON);

    caller.stub().cancel();

    awaitCondition("the caller has seen the CANCELED outcome", () -> seenOutcome(caller) != null);
    assertEquals(OutcomeKind.CANCELED, seenOutcome(caller).kind());
    sleep(Duration.ofSeconds(3)); // time for a cancel to arrive, had one been sent
    assertEquals(
        WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
        remoteStatus(caller.remoteWorkflowId()),
        "an abandoned remote run goes on");
    target.client().newUntypedWorkflowStub(caller.remoteWorkflowId()).signal("release");
    awaitCondition(
        "the abandoned remote run completes",
        () ->
            remoteStatus(caller.remoteWorkflowId())
                == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    assertEquals(1, executionsOf(caller.remoteWorkflowId()));
  }

  @Test
  void tryCancelSettlesCanceledWithoutWaitingForTheRequestToArrive() {
    Caller caller = callTakenByTheTransport("try-cancel", CallCancellationType.TRY_CANCEL);

    // with the transport down no request can arrive, and the caller still moves on
    restartTransportAround(
        () -> {
          caller.stub().cancel();
          awaitCondition(
              "the caller has seen the CANCELED outcome",
              () -> seenOutcome(caller) != null,
              Duration.ofSeconds(20));
        });

    assertEquals(OutcomeKind.CANCELED, seenOutcome(caller).kind());
    endRemoteRun(caller);
  }

  @Test
  void waitRequestedSettlesCanceledOnceTheRequestWasDelivered() {
    Caller caller = callTakenByTheTransport("wait-requested", CallCancellationType.WAIT_REQUESTED);

    restartTransportAround(
        () -> {
          caller.stub().cancel();
          sleep(Duration.ofSeconds(3));
          assertNull(seenOutcome(caller), "settled before the request could be delivered");
        });

    awaitCondition("the caller has seen the CANCELED outcome", () -> seenOutcome(caller) != null);
    assertEquals(OutcomeKind.CANCELED, seenOutcome(caller).kind());
    awaitCondition(
        "the remote workflow is canceled",
        () ->
            remoteStatus(caller.remoteWorkflowId())
                == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
    assertEquals(1, executionsOf(caller.remoteWorkflowId()));
  }

  /**
   * A caller whose remote run waits for a release that never comes, once its transport has the call
   * (a transport that holds it heartbeats; one that hands it over has done so).
   */
  private Caller callTakenByTheTransport(String operation, CallCancellationType cancellation) {
    return callTakenByTheTransport(
        new ContractCall(
            operation, RemoteBehaviour.awaitRelease("never"), REMOTE_TIMEOUT, cancellation));
  }

  /** A caller making {@code call}, once its transport has the call. */
  private Caller callTakenByTheTransport(ContractCall call) {
    ContractParties.StartedCaller started =
        ContractParties.startCaller(source.client(), call, newCallerId());
    Caller caller = new Caller(started.workflowId(), started.remoteWorkflowId(), started.stub());
    awaitCondition("the remote workflow runs", () -> executionsOf(caller.remoteWorkflowId()) == 1);
    awaitCondition(
        "the transport has taken the call", () -> transportHasTakenTheCall(caller.workflowId()));
    return caller;
  }

  /** Ends a remote run a case left open, however far a cancel got. */
  private void endRemoteRun(Caller caller) {
    try {
      target.client().newUntypedWorkflowStub(caller.remoteWorkflowId()).terminate("case over");
    } catch (io.temporal.client.WorkflowNotFoundException alreadyClosed) {
      // canceled meanwhile
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * On a route whose call activity may hand the call over unseen (the bridge's callback mode), an
   * attempt can start the remote run and die before saying so. A caller canceled before any attempt
   * answered must settle with how that run really ended, not with CANCELED.
   */
  @Test
  void cancelBeforeTheTransportAnsweredSettlesWithHowTheRemoteRunReallyEnded() {
    assumeTrue(
        route().protocol() == OutcomeProtocol.RETURNED_OR_SIGNALED,
        "only a call activity that may hand the call over unseen can leave a run nobody knows of");
    Caller[] caller = new Caller[1];
    restartTransportAround(
        () -> {
          caller[0] = startCaller("lost-attempt", RemoteBehaviour.complete("x"), REMOTE_TIMEOUT);
          // what the attempt that died had done: the run started, and it has completed since
          startRemoteDirectly(caller[0].remoteWorkflowId(), RemoteBehaviour.complete("shipped"));
          awaitCondition(
              "the remote run completes",
              () ->
                  remoteStatus(caller[0].remoteWorkflowId())
                      == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
          caller[0].stub().cancel();
          awaitCondition(
              "the caller, canceled, asks attach-only",
              () -> askedAttachOnly(caller[0].workflowId()));
        });

    awaitCondition("the caller has settled", () -> seenOutcome(caller[0]) != null);
    CallOutcome seen = seenOutcome(caller[0]);
    assertEquals(OutcomeKind.COMPLETED, seen.kind(), seen.describe());
    assertEquals("done:shipped", seen.resultOrThrow(String.class));
    assertEquals(1, executionsOf(caller[0].remoteWorkflowId()));
  }

  /** The same, when no attempt ever started the run: CANCELED, and no run starts afterwards. */
  @Test
  void cancelBeforeAnyAttemptStartedTheRunSettlesCanceledAndStartsNone() {
    assumeTrue(
        route().protocol() == OutcomeProtocol.RETURNED_OR_SIGNALED,
        "only a call activity that may hand the call over unseen is asked again after a cancel");
    Caller[] caller = new Caller[1];
    restartTransportAround(
        () -> {
          caller[0] = startCaller("never-started", RemoteBehaviour.complete("x"), REMOTE_TIMEOUT);
          caller[0].stub().cancel();
          awaitCondition(
              "the caller, canceled, asks attach-only",
              () -> askedAttachOnly(caller[0].workflowId()));
        });

    awaitCondition("the caller has settled", () -> seenOutcome(caller[0]) != null);
    assertEquals(OutcomeKind.CANCELED, seenOutcome(caller[0]).kind());
    sleep(Duration.ofSeconds(2)); // a start sent by mistake would be visible by now
    assertThrows(
        io.temporal.client.WorkflowNotFoundException.class,
        () -> remoteStatus(caller[0].remoteWorkflowId()));
  }

  /**
   * The canceled caller has asked the transport attach-only how the run ended (whether its call
   * activity was canceled while it waited, timed out on a dead worker's poll, or — the cancel
   * arriving before the caller's first workflow task — never scheduled at all).
   */
  private boolean askedAttachOnly(String callerId) {
    return source.client().fetchHistory(callerId).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .flatMap(
            e -> e.getActivityTaskScheduledEventAttributes().getInput().getPayloadsList().stream())
        .anyMatch(p -> p.getData().toStringUtf8().contains("\"attachOnly\":true"));
  }

  @Test
  void transportKilledMidCallAndStartedAgainStillCompletesTheCallOnce() {
    Caller caller = startCaller("restart", RemoteBehaviour.hold("survivor", 3_000), REMOTE_TIMEOUT);
    awaitCondition("the remote workflow runs", () -> executionsOf(caller.remoteWorkflowId()) == 1);
    awaitCondition(
        "the transport has taken the call", () -> transportHasTakenTheCall(caller.workflowId()));

    restartTransportAround(
        () ->
            awaitCondition(
                "the remote workflow finishes while the transport is down",
                () ->
                    remoteStatus(caller.remoteWorkflowId())
                        == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED));

    assertEquals("done:survivor", caller.outcome().resultOrThrow(String.class));
    assertEquals(1, executionsOf(caller.remoteWorkflowId()));
  }

  @Test
  void thousandConcurrentCallsAllCompleteEachRemoteOnce() {
    int calls = 1_000;
    List<Caller> callers = new ArrayList<>(calls);
    for (int i = 0; i < calls; i++) {
      callers.add(startCaller("bulk", RemoteBehaviour.awaitRelease("n" + i), REMOTE_TIMEOUT));
    }
    // all 1,000 are in flight at once before any may finish
    awaitCondition(
        "all remote workflows run",
        () -> callers.stream().allMatch(c -> executionsOf(c.remoteWorkflowId()) == 1),
        Duration.ofMinutes(3));
    for (Caller caller : callers) {
      target.client().newUntypedWorkflowStub(caller.remoteWorkflowId()).signal("release");
    }
    for (int i = 0; i < calls; i++) {
      assertEquals(
          "done:n" + i, callers.get(i).outcome(Duration.ofMinutes(3)).resultOrThrow(String.class));
    }
    for (Caller caller : callers) {
      assertEquals(1, executionsOf(caller.remoteWorkflowId()), caller.remoteWorkflowId());
    }
  }

  // --- the kit's plumbing --------------------------------------------------------------------

  /** A caller workflow started on the source cluster. */
  protected record Caller(String workflowId, String remoteWorkflowId, WorkflowStub stub) {
    public CallOutcome outcome() {
      return outcome(AWAIT);
    }

    public CallOutcome outcome(Duration wait) {
      try {
        return stub.getResult(wait.toMillis(), TimeUnit.MILLISECONDS, CallOutcome.class);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("no outcome for " + workflowId + " within " + wait, e);
      }
    }
  }

  /** Starts a caller workflow that calls the remote once under {@code operation}. */
  protected Caller startCaller(
      String operation, RemoteBehaviour behaviour, Duration remoteTimeout) {
    return startCaller(newCallerId(), operation, behaviour, remoteTimeout);
  }

  private Caller startCaller(
      String callerId, String operation, RemoteBehaviour behaviour, Duration remoteTimeout) {
    ContractParties.StartedCaller started =
        ContractParties.startCaller(source.client(), callerId, operation, behaviour, remoteTimeout);
    return new Caller(started.workflowId(), started.remoteWorkflowId(), started.stub());
  }

  private String newCallerId() {
    return "contract-" + testName + "-" + UUID.randomUUID();
  }

  private static String remoteIdOf(String callerId, String operation) {
    return new CallId(ContractClusters.SOURCE, callerId, operation).value();
  }

  private WorkflowStub startRemoteDirectly(String remoteId, RemoteBehaviour behaviour) {
    WorkflowStub stub =
        target
            .client()
            .newUntypedWorkflowStub(
                ContractRemoteWorkflow.TYPE,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(remoteId)
                    .setTaskQueue(ContractRemoteWorkflow.TASK_QUEUE)
                    .build());
    stub.start(behaviour);
    return stub;
  }

  /** How often the remote workflow with this id ran, counted on the target side. */
  protected static int executionsOf(String remoteId) {
    return ExecutionLedger.InMemory.executionsOf(remoteId);
  }

  private WorkflowExecutionStatus remoteStatus(String remoteId) {
    return target.client().newUntypedWorkflowStub(remoteId).describe().getStatus();
  }

  /**
   * The transport has the call: its activity either finished handing it over, or is open and has
   * heartbeated (a transport that holds the call heartbeats only once the remote run is started or
   * attached to).
   */
  private boolean transportHasTakenTheCall(String callerId) {
    var description =
        source.client().newUntypedWorkflowStub(callerId).describe().getRawDescription();
    boolean heartbeating =
        description.getPendingActivitiesList().stream().anyMatch(a -> a.hasLastHeartbeatTime());
    boolean handedOver =
        source.client().fetchHistory(callerId).getEvents().stream()
            .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    return heartbeating || handedOver;
  }

  /** The caller's history in one line, for failure messages. */
  private String historyOf(String workflowId) {
    return source.client().fetchHistory(workflowId).getEvents().stream()
        .map(
            e ->
                e.getEventType().name().replace("EVENT_TYPE_", "")
                    + (e.hasActivityTaskTimedOutEventAttributes()
                        ? "("
                            + e.getActivityTaskTimedOutEventAttributes().getFailure().getMessage()
                            + ")"
                        : ""))
        .collect(java.util.stream.Collectors.joining(", "));
  }

  private CallOutcome seenOutcome(Caller caller) {
    return source
        .client()
        .newWorkflowStub(ContractCallerWorkflow.class, caller.workflowId())
        .seenOutcome();
  }

  /**
   * Kills the transport, runs {@code whileDown}, and starts a new transport process — also if
   * {@code whileDown} fails.
   */
  private void restartTransportAround(Runnable whileDown) {
    transport.kill();
    transport = null;
    try {
      whileDown.run();
    } finally {
      transport = startTransport(clusters.source(), clusters.target());
    }
  }

  /** The most attempts any of the caller's transport activities took (1: none was retried). */
  protected long transportActivityAttempts(String callerId) {
    WorkflowClient client = source.client();
    return client.fetchHistory(callerId).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
        .mapToLong(e -> e.getActivityTaskStartedEventAttributes().getAttempt())
        .max()
        .orElse(0);
  }

  protected static void awaitCondition(String what, BooleanSupplier condition) {
    awaitCondition(what, condition, AWAIT);
  }

  protected static void awaitCondition(String what, BooleanSupplier condition, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted while waiting until " + what);
      }
    }
    fail("timed out after " + within + " waiting until " + what);
  }
}
