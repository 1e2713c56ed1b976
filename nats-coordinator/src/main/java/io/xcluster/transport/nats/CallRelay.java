package io.xcluster.transport.nats;

import com.fasterxml.jackson.databind.JsonNode;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
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
import io.xcluster.port.remote.RemoteOutcomes;
import io.xcluster.port.remote.RemoteRuns;
import io.xcluster.port.spi.DeliveredOutcome;
import io.xcluster.port.spi.TransportMetrics;
import io.xcluster.runtime.lifecycle.DaemonThreads;
import io.xcluster.tracing.CallSpans;
import io.xcluster.tracing.NatsTraceContext;
import io.xcluster.tracing.ServiceTracing;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
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

  /**
   * How long an outcome may keep failing to publish while the broker answers before it is
   * dead-lettered with the outcome attached: long enough for JetStream to recover its streams after
   * a restart, short enough that a subject nobody stores does not hold its call for ever. (While
   * the broker is unreachable, a dead letter cannot be written either: the call is then redelivered
   * and attaches to the same run, so a long broker outage loses nothing.)
   */
  static final Duration OUTCOME_PUBLISH_BUDGET = Duration.ofMinutes(2);

  private final NatsSettings settings;
  private final JetStream jetStream;
  private final RemoteRuns remoteRuns;

  /** Starts runs that report progress to {@link NatsTransport#PROGRESS_QUEUE}. */
  private final RemoteRuns reportingRuns;

  private final DeadLetters deadLetters;

  /**
   * Held calls by stream sequence: a redelivery of a held call replaces its message, no second
   * wait.
   */
  private final Map<Long, Held> held = new ConcurrentHashMap<>();

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

  /**
   * A call whose outcome is awaited; {@code traceContext} is the relay span's, for the outcome
   * message.
   */
  private static final class Held {
    volatile Message message;
    final long sequence;
    final CallRequest request;
    final String replySubject;
    final Context traceContext;

    /**
     * The calling run (from {@link WireHeaders#CALLER_RUN}), or null from callers that do not say.
     */
    final String callerRun;

    /** When the relay started or attached to the remote run (epoch millis). */
    final long followingSinceMillis = System.currentTimeMillis();

    /** Failed attempts to publish the outcome, and since when (System.nanoTime). */
    int publishFailures;

    long failingSinceNanos;

    Held(
        Message message,
        long sequence,
        CallRequest request,
        String replySubject,
        Context traceContext) {
      this.callerRun =
          message.getHeaders() == null
              ? null
              : message.getHeaders().getFirst(WireHeaders.CALLER_RUN);
      this.message = message;
      this.sequence = sequence;
      this.request = request;
      this.replySubject = replySubject;
      this.traceContext = traceContext;
    }

    Message message() {
      return message;
    }

    CallRequest request() {
      return request;
    }

    String replySubject() {
      return replySubject;
    }

    Context traceContext() {
      return traceContext;
    }
  }

  private final ServiceTracing tracing;
  private final Tracer tracer;

  private final CancelMarkers cancelMarkers;
  private final TransportMetrics metrics;
  private final OpenRemoteRuns openRuns;
  private final DestinationGuard guard;
  private final WaitingNotices notices;
  private final ForwardedUpdates updates;
  private final OutageLog targetOutage;
  private final OutageLog publishTrouble = new OutageLog(log, "publishing outcomes");
  private final OutageLog keepAliveTrouble =
      new OutageLog(log, "keeping held calls alive (in-progress acks)");

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
    metrics.held(held::size);
    this.cancelMarkers = cancelMarkers;
    this.tracing = tracing;
    this.tracer = tracing.tracer("io.xcluster.transport.nats");
    this.settings = settings;
    this.jetStream = jetStream;
    this.remoteRuns = remoteRuns;
    this.reportingRuns = remoteRuns.reportingProgressTo(NatsTransport.PROGRESS_QUEUE);
    this.deadLetters = deadLetters;
    this.targetOutage = new OutageLog(log, "starting or following calls on the target cluster");
    long every = Math.max(100, settings.ackWait().toMillis() / 3);
    scheduler.scheduleWithFixedDelay(
        this::keepHeldMessagesAlive, every, every, TimeUnit.MILLISECONDS);
  }

  int heldCalls() {
    return held.size();
  }

  /**
   * The failover repair for held calls: a call whose remote run is missing on the target as it
   * answers now is let go as lost track, and its redelivery starts the run again under its call id.
   */
  LostStartRecheck.Result recheckRemoteRuns() {
    return LostStartRecheck.recheck(
        held.values(),
        Held::request,
        remoteRuns,
        call -> publishOutcome(call, null, RemoteOutcomes.vanished(call.request())));
  }

  /**
   * Outcome publications failed in a row right now (0 when publishing works): what a metric would
   * show.
   */
  long outcomePublishFailures() {
    return publishTrouble.failuresSinceOk();
  }

  void onCall(Message message) {
    CallRequest request;
    String replySubject =
        message.getHeaders() == null
            ? null
            : message.getHeaders().getFirst(WireHeaders.REPLY_SUBJECT);
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
          "call "
              + request.callId()
              + " asks for its outcome on '"
              + replySubject
              + "', which is not one of the results subjects "
              + settings.resultsSubjects());
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
      keepAlive(message, request); // redelivered while an earlier delivery is being started
      return;
    }
    Held already = held.get(sequence);
    if (already != null) {
      beingStarted.remove(sequence);
      // redelivered while we still wait for its outcome (keep-alives lost in a broker restart):
      // ack the newest delivery later, do not attach a second time
      already.message = message;
      keepAlive(message, request);
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
      publish(replySubject, callId, failure, header(message, WireHeaders.CALLER_RUN), null);
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

  private static String header(Message message, String name) {
    return message.getHeaders() == null ? null : message.getHeaders().getFirst(name);
  }

  /** Starts the call's remote run, or attaches to it, and holds the call until it ends. */
  private void start(Message message, CallRequest request, String replySubject, long sequence) {
    Span span =
        tracer
            .spanBuilder("xcluster.nats.relay-call")
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(NatsTraceContext.extract(tracing.openTelemetry(), message.getHeaders()))
            .startSpan();
    CallSpans.tag(span, request.callId(), request.target().cluster(), NatsTransport.NAME);
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
          Duration wait = waitFor(blocked.get(), message);
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
          if (!cancelOrReportCanceled(
              request, replySubject, header(message, WireHeaders.CALLER_RUN))) {
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
      Held call = new Held(message, sequence, request, replySubject, Context.current());
      // asked before the call is held: if asking throws, nothing is left held (and kept alive)
      // for a call whose outcome nobody waits for; the message is redelivered instead
      var outcome = remoteRun.getResultAsync(JsonNode.class);
      held.put(sequence, call);
      outcome.whenCompleteAsync((result, error) -> publishOutcome(call, result, error), io);
      keepAlive(message, request);
    } finally {
      span.end();
    }
  }

  void onCancel(Message message) {
    String kind = header(message, WireHeaders.KIND);
    if (NatsCallActivity.UPDATE.equals(kind)) {
      updates.onUpdate(message, header(message, WireHeaders.REPLY_SUBJECT));
      return;
    }
    if (kind != null) { // a cancel carries no kind; an update is the only kind sent here
      deadLetters.deadLetter(message, "cancels", "unknown " + WireHeaders.KIND + " '" + kind + "'");
      return;
    }
    CallRequest request;
    try {
      request = CallPayloads.fromBytes(message.getData(), CallRequest.class);
    } catch (IllegalArgumentException undecodable) {
      deadLetters.deadLetter(message, "cancels", "undecodable cancel: " + undecodable.getMessage());
      return;
    }
    Optional<String> misrouted = served.refusal("cancel of " + request.callId(), request.target());
    if (misrouted.isPresent()) {
      deadLetters.deadLetter(message, "cancels", misrouted.get());
      return;
    }
    String replySubject =
        message.getHeaders() == null
            ? null
            : message.getHeaders().getFirst(WireHeaders.REPLY_SUBJECT);
    if (replySubject != null && !settings.allowsReplyTo(replySubject)) {
      deadLetters.deadLetter(
          message,
          "cancels",
          "cancel of "
              + request.callId()
              + " asks for its outcome on '"
              + replySubject
              + "', which is not one of the results subjects "
              + settings.resultsSubjects());
      return;
    }
    Optional<DestinationGuard.Blocked> blocked = guard.admitCancel();
    if (blocked.isPresent()) {
      message.nakWithDelay(waitFor(blocked.get(), message));
      return;
    }
    Span span =
        tracer
            .spanBuilder("xcluster.nats.relay-cancel")
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(NatsTraceContext.extract(tracing.openTelemetry(), message.getHeaders()))
            .startSpan();
    CallSpans.tag(span, request.callId(), request.target().cluster(), NatsTransport.NAME);
    try (Scope ignored = span.makeCurrent()) {
      cancelOrReportCanceled(request, replySubject, header(message, WireHeaders.CALLER_RUN));
      targetOutage.succeeded();
      guard.reached();
      failures.forget(message);
      message.ack();
    } catch (Exception unreachable) {
      metrics.transportError(TransportMetrics.Stage.CANCEL);
      span.recordException(unreachable);
      if (TransportMetrics.isOutage(unreachable)) {
        guard.unreachable(TransportMetrics.briefly(unreachable));
      }
      if (Outages.isOutage(unreachable)) {
        targetOutage.failed("cancel of " + request.callId(), unreachable.toString());
        message.nakWithDelay(RetryDelay.after(message.metaData().deliveredCount()));
      } else if (failures.failedTooOften(message)) {
        // a refusal (not an outage): the run, if any, goes on and its outcome still comes
        deadLetters.deadLetter(
            message,
            "cancels",
            "cancel of "
                + request.callId()
                + " refused "
                + failures.limit()
                + " times: "
                + TransportMetrics.briefly(unreachable));
      } else {
        log.warn(
            "cancel of {} refused, will be redelivered: {}",
            request.callId(),
            unreachable.toString());
        message.nakWithDelay(settings.ackWait().dividedBy(3));
      }
    } finally {
      span.end();
    }
  }

  /**
   * A failed attempt to publish {@code outcome}: tried again with back-off while the budget lasts,
   * then dead-lettered with the outcome attached, so the call is neither held nor retried for ever.
   */
  private void retryOrDeadLetter(
      Held call, JsonNode result, Throwable error, CallOutcome outcome, Exception failure) {
    publishTrouble.failed(
        "outcome of " + call.request().callId() + " to " + call.replySubject(), failure.toString());
    if (call.publishFailures++ == 0) {
      call.failingSinceNanos = System.nanoTime();
    }
    if (System.nanoTime() - call.failingSinceNanos >= OUTCOME_PUBLISH_BUDGET.toNanos()) {
      deadLetterWithOutcome(
          call,
          outcome,
          "the outcome could not be published to "
              + call.replySubject()
              + " in "
              + OUTCOME_PUBLISH_BUDGET.toSeconds()
              + " s ("
              + call.publishFailures
              + " attempts): "
              + failure);
      return;
    }
    Duration delay = RetryDelay.after(call.publishFailures);
    scheduler.schedule(
        () -> io.execute(() -> publishOutcome(call, result, error)),
        delay.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Gives up on publishing: the call message goes to the dead letters with the outcome as its body.
   */
  private void deadLetterWithOutcome(Held call, CallOutcome outcome, String reason) {
    held.remove(call.sequence, call);
    String callId = call.request().callId().value();
    log.error("call {}: outcome {} dead-lettered: {}", callId, outcome.kind(), reason);
    deadLetters.deadLetter(
        call.message(),
        "outcomes",
        reason,
        CallPayloads.toBytes(new DeliveredOutcome(callId, outcome)));
  }

  /**
   * How long a turned-away message stays on the stream before it comes again: what the guard says,
   * or (a cap on open calls, which cannot tell) the outage back-off.
   */
  private static Duration waitFor(DestinationGuard.Blocked blocked, Message message) {
    return blocked.retryAfter() != null
        ? blocked.retryAfter()
        : RetryDelay.after(message.metaData().deliveredCount());
  }

  /** The circuit breaker for starts on the target cluster, in a few words. */
  String describeBreaker() {
    return guard.describeBreaker();
  }

  /**
   * Cancels the call's remote run; true if there is one (its outcome then follows as usual). If it
   * never started — its call is late, or was never published — the cancel marker keeps it from
   * starting, and CANCELED is published at once so the caller does not wait for a call that may
   * never come.
   */
  private boolean cancelOrReportCanceled(CallRequest request, String replySubject, String callerRun)
      throws Exception {
    try {
      remoteRuns.requestCancel(request);
      log.info("call {}: remote run cancel requested", request.callId());
      return true;
    } catch (io.temporal.client.WorkflowNotFoundException notRunning) {
      if (remoteRuns.exists(request)) {
        // it closed before the cancel came (the answer is NotFound then too): its real outcome
        // stands and is published as usual, never a CANCELED that would refund a shipped order
        log.info("call {}: remote run already closed; its outcome stands", request.callId());
        return true;
      }
      if (replySubject != null) {
        // per calling run, as every outcome: the same order placed again soon after (same call
        // id) must not have its own CANCELED dropped as a duplicate of this one
        publish(replySubject, request.callId().value(), CallOutcome.canceled(), callerRun, null);
      }
      log.info("call {}: canceled before it started; reported CANCELED", request.callId());
      return false;
    }
  }

  /**
   * Publishes an outcome; its {@code Nats-Msg-Id} is per call and calling run, so each run that
   * asked gets one.
   */
  private void publish(
      String replySubject, String callId, CallOutcome outcome, String callerRun, Held call)
      throws Exception {
    Headers headers = new Headers();
    headers.put(WireHeaders.CALL_ID, callId);
    headers.put(WireHeaders.DESTINATION, metrics.destination());
    if (call != null) {
      headers.put(WireHeaders.REMOTE_START, Long.toString(call.followingSinceMillis));
    }
    NatsTraceContext.inject(tracing.openTelemetry(), Context.current(), headers);
    jetStream.publish(
        replySubject,
        headers,
        CallPayloads.toBytes(new DeliveredOutcome(callId, outcome)),
        PublishOptions.builder()
            .messageId("outcome:" + callId + (callerRun == null ? "" : "@" + callerRun))
            .build());
  }

  private void publishOutcome(Held call, JsonNode result, Throwable error) {
    if (held.get(call.sequence) != call) {
      return;
    }
    Optional<CallOutcome> outcome = RemoteOutcomes.translateFollowed(result, error);
    if (outcome.isEmpty()) {
      // lost track of the remote run (target cluster unreachable, or the run vanished): let
      // JetStream redeliver; the next delivery attaches to the same run, or starts it again
      if (RemoteOutcomes.isRunNotFound(error)) {
        log.warn(
            "call {}: its remote run is gone from the target while followed (a start lost in a"
                + " failover?); the redelivery starts it again under its call id",
            call.request().callId());
      }
      if (!held.remove(call.sequence, call)) {
        return; // taken by another path meanwhile (its follow's answer, or a re-check)
      }
      metrics.transportError(TransportMetrics.Stage.FOLLOW);
      targetOutage.failed(
          "following call " + call.request().callId(), RemoteOutcomes.unwrap(error).toString());
      call.message().nakWithDelay(RetryDelay.after(targetOutage.failuresSinceOk()));
      return;
    }
    String callId = call.request().callId().value();
    Span span =
        tracer
            .spanBuilder("xcluster.nats.publish-outcome")
            .setSpanKind(SpanKind.PRODUCER)
            .setParent(call.traceContext())
            .startSpan();
    CallSpans.tag(
        span, call.request().callId(), call.request().target().cluster(), NatsTransport.NAME);
    span.setAttribute("xcluster.outcome", outcome.get().kind().name());
    try (Scope ignored = span.makeCurrent()) {
      publishOrReportUndeliverable(call, outcome.get());
      publishTrouble.succeeded();
      metrics
          .counter(
              "xcluster.nats.published",
              "messages published to JetStream, by kind",
              "kind",
              "results")
          .increment();
      held.remove(call.sequence, call);
      call.message().ack();
      log.debug("call {}: outcome {} published", callId, outcome.get().kind());
    } catch (JetStreamApiException refused) {
      if (ElectionTolerantPublisher.isTransient(refused)) {
        // retried; any other 4xx is dead-lettered
        metrics.transportError(TransportMetrics.Stage.DELIVER);
        // the broker answered "not now" (a leader election, a full stream draining, another
        // relay's copy of this outcome being stored): within budget
        retryOrDeadLetter(call, result, error, outcome.get(), refused);
      } else {
        // the broker refused the message itself (e.g. larger than the stream allows): asking
        // again will not help
        deadLetterWithOutcome(
            call,
            outcome.get(),
            "JetStream refused the outcome on "
                + call.replySubject()
                + ": "
                + refused.getMessage());
      }
    } catch (Exception failed) {
      metrics.transportError(TransportMetrics.Stage.DELIVER);
      retryOrDeadLetter(call, result, error, outcome.get(), failed);
    } finally {
      span.end();
    }
  }

  /**
   * Publishes the outcome; if the outcome itself cannot travel (e.g. larger than the server's max
   * payload) — not an outage — tells the caller so, as a typed failure, instead of retrying.
   */
  private void publishOrReportUndeliverable(Held call, CallOutcome outcome) throws Exception {
    String callId = call.request().callId().value();
    try {
      publish(call.replySubject(), callId, outcome, call.callerRun, call);
    } catch (IllegalArgumentException unpublishable) {
      log.error(
          "call {}: the outcome cannot be published ({}); reporting {}",
          callId,
          unpublishable.getMessage(),
          OUTCOME_UNDELIVERABLE);
      publish(
          call.replySubject(),
          callId,
          CallOutcome.failed(
              OUTCOME_UNDELIVERABLE,
              "the remote run ended "
                  + outcome.kind()
                  + " but its outcome cannot be carried over NATS: "
                  + unpublishable.getMessage(),
              true),
          call.callerRun,
          call);
    }
  }

  private void keepHeldMessagesAlive() {
    for (Held call : held.values()) {
      keepAlive(call.message(), call.request());
    }
  }

  /**
   * An in-progress ack; a failure is only logged (once per outage) — the next round tries again,
   * redelivery attaches.
   */
  private void keepAlive(Message message, CallRequest request) {
    try {
      message.inProgress();
      keepAliveTrouble.succeeded();
    } catch (RuntimeException e) {
      keepAliveTrouble.failed("call " + request.callId(), e.toString());
    }
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
