package io.xcluster.transport.nats;

import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Scope;
import io.temporal.client.WorkflowNotFoundException;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.RemoteUpdate;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.protection.DestinationGuard;
import io.xcluster.port.remote.RemoteRuns;
import io.xcluster.port.spi.DeliveredVerdict;
import io.xcluster.port.spi.TransportMetrics;
import io.xcluster.runtime.lifecycle.DaemonThreads;
import io.xcluster.tracing.NatsTraceContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's side of a forwarded update: sends it to the call's remote run under its update id and
 * publishes the verdict to the caller's results subject, then acknowledges the message. An outage,
 * or a run not started yet, leaves the message on the stream for a redelivery; the remote cluster
 * answers a known update id with its first result, so a redelivery applies nothing twice (and the
 * verdict's {@code Nats-Msg-Id} keeps a second copy off the results stream).
 */
final class ForwardedUpdates {

  private static final Logger log = LoggerFactory.getLogger(ForwardedUpdates.class);

  private final NatsSettings settings;
  private final JetStream jetStream;
  private final RemoteRuns remoteRuns;
  private final DeadLetters deadLetters;
  private final DestinationGuard guard;
  private final TransportMetrics metrics;

  /**
   * Updates being sent, each waiting until eu-west accepts or refuses it: a few threads of their
   * own, so that a slow target never takes the threads that start calls.
   */
  static final int CONCURRENT_UPDATES = 4;

  private final ExecutorService sending =
      Executors.newFixedThreadPool(CONCURRENT_UPDATES, DaemonThreads.named("nats-relay-updates"));

  /**
   * Updates sent and not answered yet. A message that finds none free waits on the stream instead
   * of in an unbounded queue, where it would be redelivered after the ack wait and queued again.
   */
  private final Semaphore sendSlots = new Semaphore(CONCURRENT_UPDATES);

  /**
   * How long an update may find no run for its call before it is given up: its call may wait behind
   * a cap on open runs for a while, but a run that never starts must not keep the update (and the
   * cancels consumer's ack-pending slots) for the stream's retention.
   */
  static final Duration RUN_NEVER_STARTED_AFTER = Duration.ofMinutes(15);

  private final Executor publishing;
  private final OpenTelemetry openTelemetry;
  private final ScheduledExecutorService keepAlive;
  private final OutageLog targetOutage;
  private final ServedTarget served;
  private final CancelMarkers cancelMarkers;

  /** What {@link #RUN_NEVER_STARTED_AFTER} is measured by; a test's own clock in tests. */
  private final Clock clock;

  ForwardedUpdates(
      NatsSettings settings,
      JetStream jetStream,
      RemoteRuns remoteRuns,
      DeadLetters deadLetters,
      DestinationGuard guard,
      ServedTarget served,
      CancelMarkers cancelMarkers,
      TransportMetrics metrics,
      Executor publishing,
      ScheduledExecutorService keepAlive,
      OpenTelemetry openTelemetry,
      Clock clock) {
    this.clock = clock;
    this.openTelemetry = openTelemetry;
    this.served = served;
    this.cancelMarkers = cancelMarkers;
    this.settings = settings;
    this.jetStream = jetStream;
    this.remoteRuns = remoteRuns;
    this.deadLetters = deadLetters;
    this.guard = guard;
    this.metrics = metrics;
    this.publishing = publishing;
    this.keepAlive = keepAlive;
    this.targetOutage = new OutageLog(log, "forwarding updates to the target cluster");
  }

  void onUpdate(Message message, String replySubject) {
    RemoteUpdate update;
    try {
      update = CallPayloads.fromBytes(message.getData(), RemoteUpdate.class);
    } catch (IllegalArgumentException undecodable) {
      deadLetters.deadLetter(message, "cancels", "undecodable update: " + undecodable.getMessage());
      return;
    }
    if (replySubject == null || !settings.allowsReplyTo(replySubject)) {
      deadLetters.deadLetter(
          message,
          "cancels",
          settings.notAResultsSubject(
              "update " + update.updateId() + " asks for its verdict", replySubject));
      return;
    }
    if (!settings.allowedWorkflowTypes().isEmpty()
        && !settings.allowedWorkflowTypes().contains(update.target().workflowType())) {
      deadLetters.deadLetter(
          message,
          "cancels",
          "update "
              + update.updateId()
              + " is for workflow type "
              + update.target().workflowType()
              + ", which this relay may not reach");
      return;
    }
    Optional<String> misrouted = served.refusal("update " + update.updateId(), update.target());
    if (misrouted.isPresent()) {
      deadLetters.deadLetter(message, "cancels", misrouted.get());
      return;
    }
    if (nobodyWaits(message, update)) {
      return;
    }
    // only the breaker stops an update, as a cancel: the caps bound starts
    Optional<DestinationGuard.Blocked> blocked = guard.admitCancel();
    if (blocked.isPresent()) {
      message.nakWithDelay(
          blocked.get().retryAfter() != null
              ? blocked.get().retryAfter()
              : RetryDelay.after(message.metaData().deliveredCount()));
      return;
    }
    if (!sendSlots.tryAcquire()) {
      // every slot waits on a slow target: this one waits on the stream, not in a queue
      message.nakWithDelay(RetryDelay.after(message.metaData().deliveredCount()));
      return;
    }
    try {
      sending.execute(() -> send(message, update, replySubject));
    } catch (RejectedExecutionException closing) {
      // the relay is closing: the message is redelivered to the next one
      sendSlots.release();
    }
  }

  /** Stops at once; updates not acknowledged yet are redelivered to the next relay. */
  void close() {
    sending.shutdownNow();
  }

  private void send(Message message, RemoteUpdate update, String replySubject) {
    // kept alive while eu-west takes its time: a redelivery would only send it again
    long every = Math.max(100, settings.ackWait().toMillis() / 3);
    ScheduledFuture<?> alive =
        keepAlive.scheduleWithFixedDelay(
            () -> inProgress(message), every, every, TimeUnit.MILLISECONDS);
    // the update (or signal, query) in the target cluster joins the caller's trace
    try (Scope ignored =
        NatsTraceContext.extract(openTelemetry, message.getHeaders()).makeCurrent()) {
      remoteRuns
          .forward(update)
          .whenCompleteAsync(
              (verdict, failure) -> {
                alive.cancel(false);
                sendSlots.release();
                if (failure == null) {
                  guard.reached();
                  targetOutage.succeeded();
                  publishVerdict(message, update, replySubject, verdict);
                } else {
                  retryLater(message, update, unwrap(failure));
                }
              },
              publishing);
    } catch (RuntimeException failure) {
      alive.cancel(false);
      sendSlots.release();
      retryLater(message, update, failure);
    }
  }

  private static void inProgress(Message message) {
    try {
      message.inProgress();
    } catch (RuntimeException brokerAway) {
      // the next round tries again; at worst the update is redelivered and answered again
    }
  }

  private void retryLater(Message message, RemoteUpdate update, Throwable failure) {
    if (failure instanceof WorkflowNotFoundException) {
      guard.reached(); // the target answered: the run is not there yet, its call is on its way
      Optional<String> neverStarts = runNeverStarts(message, update);
      if (neverStarts.isPresent()) {
        log.warn("update {}: given up: {}", update.updateId(), neverStarts.get());
        publishVerdict(
            message,
            update,
            WireHeaders.first(message, WireHeaders.REPLY_SUBJECT),
            UpdateVerdict.rejected(UpdateVerdict.REMOTE_RUN_NEVER_STARTED, neverStarts.get()));
        return;
      }
    } else {
      metrics.transportError(TransportMetrics.Stage.UPDATE);
      if (TransportMetrics.isOutage(failure)) {
        guard.unreachable(TransportMetrics.briefly(failure));
      }
      targetOutage.failed("update " + update.updateId(), failure.toString());
    }
    message.nakWithDelay(RetryDelay.after(message.metaData().deliveredCount()));
  }

  /**
   * Why the call's remote run will not start for this update, if it will not: the call was canceled
   * before it started (its cancel marker keeps it from ever starting), or it has not started {@link
   * #RUN_NEVER_STARTED_AFTER} after the update was sent.
   */
  private Optional<String> runNeverStarts(Message message, RemoteUpdate update) {
    try {
      if (cancelMarkers.isMarked(update.call())) {
        return Optional.of(
            "remote run never started: call " + update.call() + " was canceled before it started");
      }
    } catch (Exception brokerAway) {
      // not known now: the age below, or the next delivery, decides
    }
    Duration waited = Duration.between(message.metaData().timestamp().toInstant(), clock.instant());
    if (waited.compareTo(RUN_NEVER_STARTED_AFTER) >= 0) {
      return Optional.of(
          "remote run never started: call "
              + update.call()
              + " had no run on the target "
              + waited.toMinutes()
              + " min after the update was sent");
    }
    return Optional.empty();
  }

  /**
   * A query whose caller has stopped waiting (it waited on the stream through an outage, or the
   * target answered too slowly) is acknowledged without an answer: the caller already has its
   * "unreachable", and a late answer would only add a signal to its history.
   */
  private boolean nobodyWaits(Message message, RemoteUpdate update) {
    if (!update.callerGaveUpBefore(System.currentTimeMillis())) {
      return false;
    }
    log.debug(
        "query {}: its caller stopped waiting at {}; not answered",
        update.updateId(),
        java.time.Instant.ofEpochMilli(update.answerBy()));
    message.ack();
    return true;
  }

  private void publishVerdict(
      Message message, RemoteUpdate update, String replySubject, UpdateVerdict verdict) {
    if (nobodyWaits(message, update)) {
      return;
    }
    Headers headers = new Headers();
    headers.put(WireHeaders.CALL_ID, update.call().value());
    headers.put(WireHeaders.DESTINATION, metrics.destination());
    headers.put(WireHeaders.KIND, NatsCallActivity.VERDICT);
    // the verdict's signal in the calling cluster joins the trace the update came in
    NatsTraceContext.inject(
        openTelemetry, NatsTraceContext.extract(openTelemetry, message.getHeaders()), headers);
    try {
      publishOrReportUndeliverable(update, replySubject, verdict, headers);
      message.ack();
      log.debug("update {}: {}", update.updateId(), verdict.describe());
    } catch (Exception failed) {
      metrics.transportError(TransportMetrics.Stage.DELIVER);
      log.warn(
          "update {}: verdict not published ({}); the update is redelivered and answered again",
          update.updateId(),
          failed.toString());
      message.nakWithDelay(RetryDelay.after(message.metaData().deliveredCount()));
    }
  }

  /**
   * Publishes the verdict; one too large to carry (over the server's max payload, or refused by the
   * results stream, e.g. over its maximum message size: not an outage) is replaced by a small
   * rejection saying so, as an outcome is, instead of being retried for ever.
   */
  private void publishOrReportUndeliverable(
      RemoteUpdate update, String replySubject, UpdateVerdict verdict, Headers headers)
      throws Exception {
    PublishOptions once =
        PublishOptions.builder().messageId("verdict:" + update.updateId()).build();
    try {
      jetStream.publish(
          replySubject,
          headers,
          CallPayloads.toBytes(new DeliveredVerdict(update.updateId(), verdict)),
          once);
    } catch (IllegalArgumentException | JetStreamApiException unpublishable) {
      if (unpublishable instanceof JetStreamApiException api
          && ElectionTolerantPublisher.isTransient(api)) {
        throw api; // the broker says "not now": the update is redelivered and answered again
      }
      log.error(
          "update {}: the verdict cannot be published ({}); reporting {}",
          update.updateId(),
          unpublishable.getMessage(),
          UpdateVerdict.VERDICT_UNDELIVERABLE);
      UpdateVerdict small =
          UpdateVerdict.rejected(
              UpdateVerdict.VERDICT_UNDELIVERABLE,
              "the remote run answered ("
                  + (verdict.accepted() ? "accepted" : "rejected")
                  + ") but its answer cannot be carried over NATS: "
                  + unpublishable.getMessage());
      jetStream.publish(
          replySubject,
          headers,
          CallPayloads.toBytes(new DeliveredVerdict(update.updateId(), small)),
          once);
    }
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }
}
