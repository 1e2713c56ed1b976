package io.xcluster.transport.nats;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.temporal.client.WorkflowStub;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.protection.CircuitBreaker;
import io.xcluster.port.protection.DestinationGuard;
import io.xcluster.port.remote.LostStartRecheck;
import io.xcluster.port.remote.OpenRemoteRuns;
import io.xcluster.port.remote.RemoteRuns;
import io.xcluster.port.spi.DeliveredOutcome;
import io.xcluster.port.spi.TransportMetrics;
import io.xcluster.runtime.lifecycle.DaemonThreads;
import io.xcluster.tracing.ServiceTracing;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target side: for each call message, starts the remote workflow under the call id (or attaches
 * to it) and <em>holds the message</em> — acknowledged only once the outcome is durably published
 * to the results stream. Held messages are kept alive with in-progress acks; if this process dies,
 * JetStream redelivers them after the ack wait and the next relay attaches to the same remote run,
 * so "remote finished but outcome not yet published" loses nothing. The wait itself is a
 * non-blocking long poll: no thread per held call.
 *
 * <p>This class takes the messages in and starts the calls. {@link HeldCalls} holds them until
 * their outcomes are published, {@link RelayedCancels} carries out cancels, and {@link
 * ForwardedUpdates} forwarded updates and queries.
 */
final class CallRelay implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(CallRelay.class);

  /** Failure type for a remote outcome too large (or otherwise unfit) to publish. */
  static final String OUTCOME_UNDELIVERABLE = "OutcomeUndeliverable";

  /**
   * Failure type for a call the relay gave up on and dead-lettered (the target refused its start
   * for good, it names another cluster, or it kept failing): its caller is told, not left waiting.
   */
  static final String CALL_DEAD_LETTERED = "CallDeadLettered";

  private final NatsSettings settings;
  private final RemoteRuns remoteRuns;

  /** Starts runs that report progress to {@link NatsTransport#PROGRESS_QUEUE}. */
  private final RemoteRuns reportingRuns;

  private final DeadLetters deadLetters;

  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("nats-relay-keepalive"));
  private final ExecutorService io =
      Executors.newFixedThreadPool(2, DaemonThreads.named("nats-relay-io"));

  /**
   * Calls being started at once. Starting takes a few round trips (cancel markers on the broker,
   * the start on the target cluster): done one at a time on the consumer's thread, a relay far from
   * its broker would start no more than one call per few round trips (5 a second at 80 ms). The
   * consumer's thread waits for a free slot, so no more than this many are taken off the stream
   * ahead of being started.
   */
  static final int CONCURRENT_STARTS = 16;

  private final ExecutorService starting =
      Executors.newFixedThreadPool(CONCURRENT_STARTS, DaemonThreads.named("nats-relay-start"));
  private final Semaphore startSlots = new Semaphore(CONCURRENT_STARTS);

  /** Failures of calls and cancels that were not an outage: what dead-letters them. */
  private final FailureCounts failures;

  private final ServedTarget served;

  /** Stream sequences of calls being started now, so a redelivery meanwhile is not started too. */
  private final Set<Long> beingStarted = ConcurrentHashMap.newKeySet();

  private final RelaySpans spans;

  private final CancelMarkers cancelMarkers;
  private final TransportMetrics metrics;
  private final OpenRemoteRuns openRuns;
  private final DestinationGuard guard;
  private final WaitingNotices notices;
  private final ForwardedUpdates updates;
  private final OutageLog targetOutage;
  private final OutcomeReplies replies;
  private final HeldCalls held;
  private final RelayedCancels cancels;

  CallRelay(
      NatsSettings settings,
      JetStream jetStream,
      RemoteRuns remoteRuns,
      DeadLetters deadLetters,
      ServiceTracing tracing,
      CancelMarkers cancelMarkers,
      TransportMetrics metrics,
      OpenRemoteRuns openRuns,
      ServedTarget served,
      Clock clock) {
    this.served = served;
    this.failures = new FailureCounts(settings.maxDeliveries());
    this.metrics = metrics;
    this.openRuns = openRuns;
    this.guard = new DestinationGuard(settings.limits(), openRuns, metrics);
    this.notices = new WaitingNotices(jetStream, metrics.destination(), tracing.openTelemetry());
    this.updates =
        new ForwardedUpdates(
            settings,
            jetStream,
            remoteRuns,
            deadLetters,
            guard,
            served,
            cancelMarkers,
            metrics,
            io,
            scheduler,
            tracing.openTelemetry(),
            clock);
    openRuns.skipWhile(() -> guard.breakerState() != CircuitBreaker.State.CLOSED);
    log.info("limits for starts on the target: {}", settings.limits().describe());
    settings.allowedWorkflowTypes().forEach(openRuns::watch);
    this.cancelMarkers = cancelMarkers;
    this.spans = new RelaySpans(tracing);
    this.settings = settings;
    this.remoteRuns = remoteRuns;
    this.reportingRuns = remoteRuns.reportingProgressTo(NatsTransport.PROGRESS_QUEUE);
    this.deadLetters = deadLetters;
    this.targetOutage = new OutageLog(log, "starting or following calls on the target cluster");
    this.replies = new OutcomeReplies(jetStream, metrics.destination(), tracing.openTelemetry());
    this.held = new HeldCalls(replies, deadLetters, metrics, spans, targetOutage, scheduler, io);
    metrics.held(held::size);
    this.cancels =
        new RelayedCancels(
            settings,
            remoteRuns,
            replies,
            deadLetters,
            served,
            guard,
            failures,
            targetOutage,
            metrics,
            spans);
    long every = Math.max(100, settings.ackWait().toMillis() / 3);
    scheduler.scheduleWithFixedDelay(held::keepAllAlive, every, every, TimeUnit.MILLISECONDS);
  }

  int heldCalls() {
    return held.size();
  }

  /**
   * The failover repair for held calls: a call whose remote run is missing on the target as it
   * answers now is let go as lost track, and its redelivery starts the run again under its call id.
   */
  LostStartRecheck.Result recheckRemoteRuns() {
    return held.recheck(remoteRuns);
  }

  /**
   * Outcome publications failed in a row right now (0 when publishing works): what a metric would
   * show.
   */
  long outcomePublishFailures() {
    return held.outcomePublishFailures();
  }

  void onCall(Message message) {
    CallRequest request;
    String replySubject = WireHeaders.first(message, WireHeaders.REPLY_SUBJECT);
    try {
      request = CallPayloads.fromBytes(message.getData(), CallRequest.class);
    } catch (RuntimeException undecodable) {
      deadLetters.deadLetter(message, "calls", "undecodable call: " + undecodable.getMessage());
      return;
    }
    if (replySubject == null || replySubject.isBlank()) {
      deadLetters.deadLetter(
          message,
          "calls",
          "call " + request.callId() + " has no " + WireHeaders.REPLY_SUBJECT + " header");
      return;
    }
    if (!settings.allowsReplyTo(replySubject)) {
      // checked before anything starts: an outcome that could never be delivered must not be
      // produced
      deadLetters.deadLetter(
          message,
          "calls",
          settings.notAResultsSubject(
              "call " + request.callId() + " asks for its outcome", replySubject));
      return;
    }
    if (!settings.allowedWorkflowTypes().isEmpty()
        && !settings.allowedWorkflowTypes().contains(request.target().workflowType())) {
      deadLetters.deadLetter(
          message,
          "calls",
          "call "
              + request.callId()
              + " asks for workflow type "
              + request.target().workflowType()
              + ", which this relay may not start");
      return;
    }
    Optional<String> misrouted = served.refusal("call " + request.callId(), request.target());
    if (misrouted.isPresent()) {
      giveUp(message, request, replySubject, misrouted.get());
      return;
    }
    long sequence = message.metaData().streamSequence();
    if (message.metaData().deliveredCount() > 1) {
      metrics.retried();
    }
    // Marked before the held check: a start finishing in between puts the call in `held` before
    // it leaves `beingStarted`, so one of the two checks sees it and the call is not started twice.
    if (!beingStarted.add(sequence)) {
      held.keepAlive(message, request); // redelivered while an earlier delivery is being started
      return;
    }
    HeldCall already = held.get(sequence);
    if (already != null) {
      beingStarted.remove(sequence);
      // redelivered while we still wait for its outcome (keep-alives lost in a broker restart):
      // ack the newest delivery later, do not attach a second time
      already.message = message;
      held.keepAlive(message, request);
      return;
    }
    startSlots.acquireUninterruptibly();
    try {
      starting.execute(
          () -> {
            try {
              start(message, request, replySubject, sequence);
            } catch (RuntimeException unexpected) {
              failedUnexpectedly(message, request, replySubject, unexpected);
            } finally {
              beingStarted.remove(sequence);
              startSlots.release();
            }
          });
    } catch (RejectedExecutionException closing) {
      // the relay is closing: JetStream redelivers the call to the next relay
      beingStarted.remove(sequence);
      startSlots.release();
    }
  }

  /**
   * What the consumer does for a handler that throws, here for a start on the pool: redelivered
   * after a while, dead-lettered once it has failed so {@link NatsSettings#maxDeliveries()} times.
   */
  private void failedUnexpectedly(
      Message message, CallRequest request, String replySubject, Exception unexpected) {
    if (failures.failedTooOften(message)) {
      giveUp(
          message,
          request,
          replySubject,
          "failed " + failures.limit() + " times: " + TransportMetrics.briefly(unexpected));
    } else {
      log.warn(
          "call on {} failed, will be redelivered: {}",
          message.getSubject(),
          unexpected.toString());
      message.nakWithDelay(settings.ackWait().dividedBy(3));
    }
  }

  /**
   * Gives up on a call: its caller is told with a {@link #CALL_DEAD_LETTERED} failure naming {@code
   * reason}, and the call goes to the dead letters. If the failure cannot be published, the call is
   * dead-lettered with it attached (as an outcome that could not be published), for a human.
   */
  private void giveUp(Message message, CallRequest request, String replySubject, String reason) {
    notices.forget(request);
    String callId = request.callId().value();
    CallOutcome failure =
        CallOutcome.failed(
            CALL_DEAD_LETTERED,
            "the relay on " + metrics.destination() + " gave up: " + reason,
            true);
    try {
      replies.publish(
          replySubject, callId, failure, WireHeaders.first(message, WireHeaders.CALLER_RUN), null);
    } catch (Exception unpublished) {
      log.error("call {}: could not tell its caller it was given up: {}", callId, unpublished);
      deadLetters.deadLetter(
          message,
          "outcomes",
          reason + "; its failure could not be published: " + unpublished,
          CallPayloads.toBytes(new DeliveredOutcome(callId, failure)));
      return;
    }
    deadLetters.deadLetter(message, "calls", reason);
  }

  /** Starts the call's remote run, or attaches to it, and holds the call until it ends. */
  private void start(Message message, CallRequest request, String replySubject, long sequence) {
    Span span = spans.consuming("xcluster.nats.relay-call", message, request);
    try (Scope ignored = span.makeCurrent()) {
      WorkflowStub remoteRun;
      try {
        openRuns.watch(request.target().workflowType()); // counted soon, for a cap on open calls
        boolean canceled = cancelMarkers.isMarked(request.callId());
        Optional<DestinationGuard.Blocked> blocked =
            canceled ? guard.admitCancel() : guard.admitStart(request.callId().value());
        if (blocked.isPresent()) {
          // turned away (a cap, an open breaker): the call waits on the stream, unacknowledged
          span.addEvent("blocked: " + blocked.get().reason());
          Duration wait =
              RetryDelay.afterTurnedAway(blocked.get(), message.metaData().deliveredCount());
          message.nakWithDelay(wait);
          notices.heldBack(
              message,
              request,
              replySubject,
              blocked.get().cause(),
              blocked.get().reason(),
              true,
              wait);
          return;
        }
        if (canceled) {
          // the caller canceled before this call got here: never start it
          if (!cancels.cancelOrReportCanceled(
              request, replySubject, WireHeaders.first(message, WireHeaders.CALLER_RUN))) {
            guard.reached();
            failures.forget(sequence);
            notices.forget(request);
            message.ack();
            return;
          }
          remoteRun = remoteRuns.attach(request);
        } else {
          // progress goes only to calling sides that take it: an older one would dead-letter it
          remoteRun =
              (WireHeaders.accepts(message, ProgressPublisher.PROGRESS)
                      ? reportingRuns
                      : remoteRuns)
                  .startOrAttach(request);
          metrics.started();
          openRuns.watch(request.target().workflowType());
          if (cancelMarkers.isMarked(request.callId())) {
            remoteRuns.requestCancel(request); // the cancel arrived while we were starting
          }
        }
      } catch (Exception unreachable) {
        // an outage of the target cluster is retried for as long as it lasts, never dead-lettered
        if (TransportMetrics.isOutage(unreachable)) {
          guard.unreachable(TransportMetrics.briefly(unreachable));
        } else if (!Outages.isOutage(unreachable)) {
          // the target answered with a refusal (e.g. INVALID_ARGUMENT: an id or payload over its
          // limits): asking again every few seconds for the stream's retention would not help
          guard.reached();
          metrics.transportError(TransportMetrics.Stage.START);
          span.recordException(unreachable);
          failedUnexpectedly(message, request, replySubject, unreachable);
          return;
        }
        metrics.transportError(TransportMetrics.Stage.START);
        targetOutage.failed("call " + request.callId(), unreachable.toString());
        span.recordException(unreachable);
        Duration wait = RetryDelay.after(message.metaData().deliveredCount());
        message.nakWithDelay(wait);
        notices.heldBack(
            message,
            request,
            replySubject,
            WaitingNotices.TARGET_UNREACHABLE,
            "the relay could not start the call on "
                + metrics.destination()
                + ": "
                + TransportMetrics.briefly(unreachable),
            false,
            wait);
        return;
      }
      targetOutage.succeeded();
      guard.reached();
      failures.forget(sequence);
      notices.wentThrough(message, request, replySubject);
      HeldCall call = new HeldCall(message, sequence, request, replySubject, Context.current());
      // asked before the call is held: if asking throws, nothing is left held (and kept alive)
      // for a call whose outcome nobody waits for; the message is redelivered instead
      var outcome = remoteRun.getResultAsync(JsonNode.class);
      held.holdUntilPublished(call, outcome);
    } finally {
      span.end();
    }
  }

  void onCancel(Message message) {
    String kind = WireHeaders.first(message, WireHeaders.KIND);
    if (NatsCallActivity.UPDATE.equals(kind)) {
      updates.onUpdate(message, WireHeaders.first(message, WireHeaders.REPLY_SUBJECT));
      return;
    }
    if (kind != null) { // a cancel carries no kind; an update is the only kind sent here
      deadLetters.deadLetter(message, "cancels", "unknown " + WireHeaders.KIND + " '" + kind + "'");
      return;
    }
    cancels.onCancel(message);
  }

  /** The circuit breaker for starts on the target cluster, in a few words. */
  String describeBreaker() {
    return guard.describeBreaker();
  }

  /** Stops at once; held messages are redelivered to the next relay after the ack wait. */
  @Override
  public void close() {
    openRuns.close();
    scheduler.shutdownNow();
    starting.shutdownNow();
    updates.close();
    io.shutdownNow();
    held.clear();
  }
}
