package io.xcluster.transport.nats;

import static io.xcluster.transport.nats.RelayBetweenEmbeddedClusters.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
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
import io.xcluster.port.spi.DeliveredVerdict;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.ContractRemoteWorkflow;
import io.xcluster.testkit.contract.RemoteBehaviour;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

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

  private final RunStartsRightAfterNotFound overtaking = new RunStartsRightAfterNotFound();
  private final MovableClock relayClock = new MovableClock();

  // the target side only, with no worker for the remote workflow: no run ever starts there
  @RegisterExtension
  final RelayBetweenEmbeddedClusters relay =
      new RelayBetweenEmbeddedClusters()
          .targetSideOnly()
          .relayReachesTargetThrough(overtaking)
          .relayClock(relayClock);

  @Test
  void updateForACallCanceledBeforeItsRunStartedIsRejectedRemoteRunNeverStarted() throws Exception {
    CallRequest canceled = callNamed("canceled-first-");
    try (Connection caller = NatsConnections.connect(relay.nats().url(), "test-canceller")) {
      new NatsCallActivity(
              caller.jetStream(),
              () -> true,
              relay.settings(),
              OpenTelemetry.noop(),
              CancelMarkers.open(caller, relay.settings()),
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
    await("the update is acknowledged, not redelivered", relay::cancelsDrained);
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
    await("the update is acknowledged, not redelivered", relay::cancelsDrained);
  }

  @Test
  void updateWhoseRunStartsJustAfterItWasNotFoundIsAppliedNotRejectedAsEnded() throws Exception {
    WorkerFactory remotes = NotesOnDemandRemoteWorkflow.startRemotes(relay.target());
    try {
      CallRequest call = callNamed("starting-meanwhile-");
      // the target answers "not found", and the call's run starts before the relay asks why
      overtaking.arm(
          () ->
              relay
                  .target()
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
    NatsSettings settings = relay.settings();
    Headers headers = new Headers();
    headers.put(WireHeaders.KIND, NatsCallActivity.UPDATE);
    headers.put(WireHeaders.CALL_ID, update.call().value());
    headers.put(WireHeaders.REPLY_SUBJECT, settings.resultsSubject(ContractClusters.SOURCE));
    relay
        .observer()
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
    NatsSettings settings = relay.settings();
    try {
      JetStreamManagement streams =
          relay.observer().jetStreamManagement(settings.jetStreamOptions());
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

  private Optional<ConsumerInfo> consumer() {
    try {
      NatsSettings settings = relay.settings();
      return Optional.of(
          relay
              .observer()
              .jetStreamManagement(settings.jetStreamOptions())
              .getConsumerInfo(settings.callsStream(), CONSUMER));
    } catch (Exception notYet) {
      return Optional.empty();
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
