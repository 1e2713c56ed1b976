package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.OpenTelemetry;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import io.temporal.worker.WorkerFactory;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.call.RemoteUpdate;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ConnectionInterceptors;
import io.xcluster.port.spi.DeliveredVerdict;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.ContractRemoteWorkflow;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.testkit.nats.LocalNatsServer;
import io.xcluster.tracing.ServiceTracing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A forwarded update whose call's remote run will never start is given up with a {@link
 * UpdateVerdict#REMOTE_RUN_NEVER_STARTED} verdict instead of being redelivered for the stream's
 * retention: at once when its call was canceled before it started, else once {@link
 * ForwardedUpdates#RUN_NEVER_STARTED_AFTER} has passed since it was sent — on the relay's clock,
 * which these tests move instead of waiting 15 minutes. A run that starts just as the update is
 * answered "not found" is not taken for one that has ended: the update is tried again.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ForwardedUpdatesGiveUpTest {

  private static final String CONSUMER = ContractClusters.TARGET + "-cancels";

  private LocalNatsServer nats;
  private ContractClusters clusters;
  private ClusterConnection target;
  private ClusterConnection relayTarget;
  private final RunStartsRightAfterNotFound overtaking = new RunStartsRightAfterNotFound();
  private Connection observer;
  private NatsSettings settings;
  private final MovableClock relayClock = new MovableClock();
  private NatsCoordinator relay;

  @BeforeEach
  void startTheRelay() throws Exception {
    assumeTrue(LocalNatsServer.availableForTests(), "needs nats-server");
    nats = LocalNatsServer.startThrowAway();
    clusters = ContractClusters.embedded();
    target = clusters.connectTarget();
    relayTarget =
        ClusterConnection.open(
            clusters.target(), new ConnectionInterceptors(List.of(overtaking), List.of()));
    observer = Nats.connect(nats.url());
    settings = NatsSettings.defaults(nats.url()).allowing(Set.of(ContractRemoteWorkflow.TYPE));
    // the target side only, with no worker for the remote workflow: no run ever starts there
    relay =
        NatsCoordinator.start(
            settings,
            null,
            relayTarget,
            ContractClusters.TARGET,
            ServiceTracing.disabled(),
            relayClock);
  }

  @AfterEach
  void stopAll() throws Exception {
    if (relay != null) {
      relay.kill();
    }
    if (observer != null) {
      observer.close();
    }
    if (relayTarget != null) {
      relayTarget.closeNow();
    }
    if (target != null) {
      target.closeNow();
    }
    if (clusters != null) {
      clusters.close();
    }
    if (nats != null) {
      nats.close();
    }
  }

  @Test
  void updateForACallCanceledBeforeItsRunStartedIsRejectedRemoteRunNeverStarted() throws Exception {
    CallRequest canceled = callNamed("canceled-first-");
    try (Connection caller = NatsConnections.connect(nats.url(), "test-canceller")) {
      new NatsCallActivity(
              caller.jetStream(),
              () -> true,
              settings,
              OpenTelemetry.noop(),
              CancelMarkers.open(caller, settings),
              new CallingSideMetrics(ContractClusters.TARGET))
          .cancel(canceled);
    }
    RemoteUpdate update = noteFor(canceled);

    forward(update);

    // the relay's clock stands still: only the cancel tells it the run will never start
    UpdateVerdict verdict = awaitVerdict(update);
    assertEquals(
        UpdateVerdict.REMOTE_RUN_NEVER_STARTED, verdict.rejectionType(), verdict.describe());
    assertTrue(verdict.reason().contains("was canceled before it started"), verdict.reason());
    await("the update is acknowledged, not redelivered", this::cancelsDrained);
  }

  @Test
  void updateWhoseRunNeverAppearsIsRejectedRemoteRunNeverStartedOnceFifteenMinutesHavePassed()
      throws Exception {
    RemoteUpdate update = noteFor(callNamed("never-published-"));

    forward(update);

    await("the relay found no run and left the update on the stream", () -> deliveries() >= 2);
    assertEquals(Optional.empty(), verdictFor(update), "given up too early");
    relayClock.advance(
        ForwardedUpdates.RUN_NEVER_STARTED_AFTER.minus(Duration.ofSeconds(30))); // 14.5 min
    long seen = deliveries();
    await("the relay tried the update again at 14.5 min", () -> deliveries() > seen);
    assertEquals(Optional.empty(), verdictFor(update), "given up before 15 min");

    relayClock.advance(Duration.ofSeconds(30));

    UpdateVerdict verdict = awaitVerdict(update);
    assertEquals(
        UpdateVerdict.REMOTE_RUN_NEVER_STARTED, verdict.rejectionType(), verdict.describe());
    assertTrue(
        verdict.reason().contains("had no run on the target 15 min after the update was sent"),
        verdict.reason());
    await("the update is acknowledged, not redelivered", this::cancelsDrained);
  }

  @Test
  void updateWhoseRunStartsJustAfterItWasNotFoundIsAppliedNotRejectedAsEnded() throws Exception {
    WorkerFactory remotes = NotesOnDemandRemoteWorkflow.startRemotes(target);
    try {
      CallRequest call = callNamed("starting-meanwhile-");
      // the target answers "not found", and the call's run starts before the relay asks why
      overtaking.arm(
          () ->
              target
                  .client()
                  .newUntypedWorkflowStub(
                      ContractRemoteWorkflow.TYPE,
                      WorkflowOptions.newBuilder()
                          .setWorkflowId(call.callId().value())
                          .setTaskQueue(ContractRemoteWorkflow.TASK_QUEUE)
                          .build())
                  .start(RemoteBehaviour.awaitRelease("parcel")));
      RemoteUpdate update = noteFor(call);

      forward(update);

      UpdateVerdict verdict = awaitVerdict(update);
      assertTrue(verdict.accepted(), verdict.describe());
      assertEquals("noted:hello", verdict.resultAs(String.class));
      assertEquals(1, overtaking.overtaken(), "the race was run");
    } finally {
      remotes.shutdownNow();
    }
  }

  private static CallRequest callNamed(String prefix) {
    return new CallRequest(
        new CallId(ContractClusters.SOURCE, prefix + UUID.randomUUID(), "op"),
        new RemoteTarget(
            ContractClusters.TARGET,
            ContractClusters.NAMESPACE,
            ContractRemoteWorkflow.TYPE,
            ContractRemoteWorkflow.TASK_QUEUE,
            Duration.ofMinutes(10)),
        CallPayloads.encode(RemoteBehaviour.complete("never")));
  }

  private static RemoteUpdate noteFor(CallRequest call) {
    return RemoteUpdate.of(
        call.callId(),
        call.target(),
        ContractRemoteWorkflow.NOTE_UPDATE,
        "r1",
        CallPayloads.encode("hello"));
  }

  /** Publishes the update as the calling side does: on the cancels subject, kind update. */
  private void forward(RemoteUpdate update) throws Exception {
    Headers headers = new Headers();
    headers.put(WireHeaders.KIND, NatsCallActivity.UPDATE);
    headers.put(WireHeaders.CALL_ID, update.call().value());
    headers.put(WireHeaders.REPLY_SUBJECT, settings.resultsSubject(ContractClusters.SOURCE));
    observer
        .jetStream(settings.jetStreamOptions())
        .publish(
            settings.cancelsSubject(ContractClusters.TARGET),
            headers,
            CallPayloads.toBytes(update));
  }

  private UpdateVerdict awaitVerdict(RemoteUpdate update) throws InterruptedException {
    await("a verdict on update " + update.updateId(), () -> verdictFor(update).isPresent());
    return verdictFor(update).orElseThrow();
  }

  /** The verdict on {@code update} in the results stream, if one was published. */
  private Optional<UpdateVerdict> verdictFor(RemoteUpdate update) {
    try {
      JetStreamManagement streams = observer.jetStreamManagement(settings.jetStreamOptions());
      long last =
          streams.getStreamInfo(settings.resultsStream()).getStreamState().getLastSequence();
      for (long sequence = 1; sequence <= last; sequence++) {
        MessageInfo message = streams.getMessage(settings.resultsStream(), sequence);
        if (message.getHeaders() != null
            && NatsCallActivity.VERDICT.equals(message.getHeaders().getFirst(WireHeaders.KIND))) {
          DeliveredVerdict delivered =
              CallPayloads.fromBytes(message.getData(), DeliveredVerdict.class);
          if (delivered.updateId().equals(update.updateId())) {
            return Optional.of(delivered.verdict());
          }
        }
      }
      return Optional.empty();
    } catch (Exception notYet) {
      return Optional.empty();
    }
  }

  /** Deliveries of the cancels consumer so far, redeliveries included. */
  private long deliveries() {
    return consumer().map(info -> info.getDelivered().getConsumerSequence()).orElse(0L);
  }

  private boolean cancelsDrained() {
    return consumer()
        .map(info -> info.getNumPending() == 0 && info.getNumAckPending() == 0)
        .orElse(false);
  }

  private Optional<ConsumerInfo> consumer() {
    try {
      return Optional.of(
          observer
              .jetStreamManagement(settings.jetStreamOptions())
              .getConsumerInfo(settings.callsStream(), CONSUMER));
    } catch (Exception notYet) {
      return Optional.empty();
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what + " within 60 s");
      Thread.sleep(100);
    }
  }

  /**
   * The relay's link to the target: once armed, its first update answered "not found" starts the
   * call's run before the answer reaches the relay, as a start that overtakes it would.
   */
  private static final class RunStartsRightAfterNotFound extends WorkflowClientInterceptorBase {
    private volatile Runnable startTheRun;
    private final AtomicInteger overtaken = new AtomicInteger();

    void arm(Runnable startTheRun) {
      this.startTheRun = startTheRun;
    }

    int overtaken() {
      return overtaken.get();
    }

    @Override
    public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(
        WorkflowClientCallsInterceptor next) {
      return new WorkflowClientCallsInterceptorBase(next) {
        @Override
        public <R> WorkflowUpdateHandle<R> startUpdate(StartUpdateInput<R> input) {
          try {
            return super.startUpdate(input);
          } catch (RuntimeException notYet) {
            Runnable start = startTheRun;
            if (start != null && notFound(notYet)) {
              startTheRun = null;
              start.run();
              overtaken.incrementAndGet();
            }
            throw notYet;
          }
        }
      };
    }
  }

  private static boolean notFound(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof WorkflowNotFoundException
          || (cause instanceof StatusRuntimeException grpc
              && grpc.getStatus().getCode() == Status.Code.NOT_FOUND)) {
        return true;
      }
    }
    return false;
  }

  /** The system clock, moved forward by what a test says has passed. */
  private static final class MovableClock extends Clock {
    private volatile Duration ahead = Duration.ZERO;

    void advance(Duration by) {
      ahead = ahead.plus(by);
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(ahead);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("a test clock in UTC");
    }
  }
}
