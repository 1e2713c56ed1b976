package io.xcluster.transport.nats;

import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.temporal.activity.Activity;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.call.RemoteUpdate;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.spi.CrossClusterCallActivity;
import io.xcluster.port.spi.CrossClusterUpdateActivity;
import io.xcluster.port.spi.TransportMetrics;
import io.xcluster.tracing.CallSpans;
import io.xcluster.tracing.NatsTraceContext;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The calling side: hands the call to JetStream and returns once the publish is acknowledged
 * (durable). The outcome comes back later as the {@code xcluster-call-outcome} signal.
 */
final class NatsCallActivity implements CrossClusterCallActivity, CrossClusterUpdateActivity {

  static final String BROKER_UNAVAILABLE = "BrokerUnavailable";
  static final String CALL_UNDELIVERABLE = "CallUndeliverable";

  /** {@link WireHeaders#KIND} of a forwarded update on the cancels subject. */
  static final String UPDATE = "update";

  /** {@link WireHeaders#KIND} of an update's verdict on a results subject. */
  static final String VERDICT = "verdict";

  private final ElectionTolerantPublisher publisher;
  private final NatsSettings settings;
  private final OpenTelemetry openTelemetry;
  private final CancelMarkers cancelMarkers;
  private final CallingSideMetrics metrics;

  NatsCallActivity(
      JetStream jetStream,
      BooleanSupplier connected,
      NatsSettings settings,
      OpenTelemetry openTelemetry,
      CancelMarkers cancelMarkers,
      CallingSideMetrics metrics) {
    // heartbeats while the broker is out of reach: the activity stays alive for the window, on a
    // route with a short heartbeat timeout too
    this.publisher =
        new ElectionTolerantPublisher(
            jetStream,
            ElectionTolerantPublisher.DEFAULT_WINDOW,
            connected,
            () -> Activity.getExecutionContext().heartbeat(null));
    this.settings = settings;
    this.openTelemetry = openTelemetry;
    this.cancelMarkers = cancelMarkers;
    this.metrics = metrics;
  }

  @Override
  public CallOutcome call(CallRequest request) {
    CallSpans.tag(Span.current(), request.callId(), request.target().cluster(), NatsTransport.NAME);
    Headers headers = new Headers();
    headers.put(WireHeaders.CALL_ID, request.callId().value());
    headers.put(
        WireHeaders.REPLY_SUBJECT, settings.resultsSubject(request.callId().sourceCluster()));
    String callerRun = Activity.getExecutionContext().getInfo().getRunId();
    headers.put(WireHeaders.CALLER_RUN, callerRun);
    headers.add(WireHeaders.ACCEPTS, WaitingNotices.NOTICE, ProgressPublisher.PROGRESS);
    NatsTraceContext.inject(openTelemetry, Context.current(), headers);
    // retries of this run are de-duplicated; another run of the caller (the same order started
    // again) is a message of its own, so it gets the outcome too instead of waiting for a backstop
    TransportMetrics destination = metrics.forCall(request.target());
    if (Activity.getExecutionContext().getInfo().getAttempt() > 1) {
      destination.retried();
    }
    publish(
        settings.callsSubject(request.target().cluster()),
        headers,
        request,
        callMessageId(request, callerRun),
        destination,
        TransportMetrics.Stage.START);
    return null; // handed over: the outcome arrives as a signal
  }

  /** The call's {@code Nats-Msg-Id}: the call id and the calling run, {@code <callId>@<runId>}. */
  static String callMessageId(CallRequest request, String callerRun) {
    return request.callId().value() + "@" + callerRun;
  }

  /**
   * Marks the call canceled (durably, before anything else, so a call message still on its way
   * cannot start the remote run afterwards), then asks the relay to cancel what may be running.
   */
  @Override
  public void cancel(CallRequest request) {
    try {
      cancelMarkers.mark(request.callId(), publisher);
    } catch (ActivityCompletionException canceledOrTimedOut) {
      throw canceledOrTimedOut; // from a heartbeat while an election was ridden out
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw ApplicationFailure.newFailure(
          "cannot mark " + request.callId() + " canceled: " + e, BROKER_UNAVAILABLE);
    }
    Headers headers = new Headers();
    headers.put(WireHeaders.CALL_ID, request.callId().value());
    headers.put(
        WireHeaders.REPLY_SUBJECT, settings.resultsSubject(request.callId().sourceCluster()));
    // a CANCELED the relay reports for a call that never started is per calling run, like any
    // outcome (its Nats-Msg-Id), so a later run of the same call is not told "duplicate"
    callingRun().ifPresent(run -> headers.put(WireHeaders.CALLER_RUN, run));
    NatsTraceContext.inject(openTelemetry, Context.current(), headers);
    publish(
        settings.cancelsSubject(request.target().cluster()),
        headers,
        request,
        "cancel:" + request.callId().value(),
        metrics.forCall(request.target()),
        TransportMetrics.Stage.CANCEL);
  }

  /** The calling workflow's run, when called as its activity (not by a tool or a test directly). */
  private static Optional<String> callingRun() {
    try {
      return Optional.of(Activity.getExecutionContext().getInfo().getRunId());
    } catch (IllegalStateException | NullPointerException notInAnActivity) {
      return Optional.empty();
    }
  }

  /**
   * Hands a forwarded update to the relay: published on the cancels subject (the relay's channel
   * for running calls) as {@code Xcluster-Kind: update}, de-duplicated by its update id; the relay
   * sends it to the remote run and publishes the verdict, which arrives as a signal.
   */
  @Override
  public UpdateVerdict update(RemoteUpdate update) {
    Headers headers = new Headers();
    headers.put(WireHeaders.CALL_ID, update.call().value());
    headers.put(WireHeaders.KIND, UPDATE);
    headers.put(WireHeaders.REPLY_SUBJECT, settings.resultsSubject(update.call().sourceCluster()));
    NatsTraceContext.inject(openTelemetry, Context.current(), headers);
    publish(
        settings.cancelsSubject(update.target().cluster()),
        headers,
        update,
        "update:" + update.updateId(),
        metrics.forCall(update.target()),
        TransportMetrics.Stage.UPDATE);
    return null; // handed over: the verdict arrives as a signal
  }

  /**
   * Publishes with {@code messageId} as {@code Nats-Msg-Id}, riding out a leader election; a broker
   * outage beyond that fails retryably.
   */
  private void publish(
      String subject,
      Headers headers,
      Object request,
      String messageId,
      TransportMetrics metrics,
      TransportMetrics.Stage stage) {
    try {
      PublishAck ack =
          publisher.publish(subject, headers, CallPayloads.toBytes(request), messageId);
      if (ack.hasError()) {
        throw ApplicationFailure.newFailure(
            "JetStream rejected " + messageId + ": " + ack.getError(), BROKER_UNAVAILABLE);
      }
      metrics
          .counter(
              "xcluster.nats.published",
              "messages published to JetStream, by kind",
              "kind",
              switch (stage) {
                case CANCEL -> "cancels";
                case UPDATE -> "updates";
                default -> "calls";
              })
          .increment();
    } catch (ApplicationFailure failure) {
      metrics.transportError(stage);
      throw failure;
    } catch (ActivityCompletionException canceledOrTimedOut) {
      throw canceledOrTimedOut; // the SDK's own signal from a heartbeat: not a broker outage
    } catch (IllegalArgumentException unpublishable) {
      // not an outage: this call can never travel (e.g. larger than the server's max payload)
      throw ApplicationFailure.newNonRetryableFailure(
          "call " + messageId + " cannot be carried over NATS: " + unpublishable.getMessage(),
          CALL_UNDELIVERABLE);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      metrics.transportError(stage);
      throw ApplicationFailure.newFailure(
          "cannot publish " + messageId + " to " + subject + ": " + e, BROKER_UNAVAILABLE);
    }
  }
}
