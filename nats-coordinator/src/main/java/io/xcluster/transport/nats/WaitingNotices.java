package io.xcluster.transport.nats;

import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.opentelemetry.api.OpenTelemetry;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.spi.CallWaitingNotice;
import io.xcluster.tracing.NatsTraceContext;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a calling workflow why the relay holds its call back, and when the call goes through after
 * all: published on the call's results subject, signalled to the caller by {@link
 * OutcomeSignaller}, shown by the caller's status. The call already left the calling cluster, so
 * this is the only way us-east can learn why it waits.
 *
 * <p>Cheap by design: one notice per call and reason (not per redelivery; again at most once a
 * minute while the call still waits, so the caller's "asks again at" stays true), none for a call a
 * cap holds back only once, and best effort — a notice that cannot be published is dropped, never
 * retried: it informs, the call's own messages carry the work. "Went through" goes only to a caller
 * this relay told: a relay that restarts sends nothing for the calls it picks up again, and a
 * caller told by a relay gone since sees its notice go stale (its "asks again at" long past, which
 * the order's status ignores). Only a calling side that says it takes notices ({@link
 * WireHeaders#ACCEPTS}) gets them.
 */
final class WaitingNotices {

  private static final Logger log = LoggerFactory.getLogger(WaitingNotices.class);

  /** The kind of a message on a results subject; absent on outcomes. */
  static final String NOTICE = "waiting";

  /** Causes a call usually clears on its next try: said only from the second hold-back on. */
  private static final Set<String> PASSING_CAUSES = Set.of("open-calls", "start-rate");

  /** Past this many calls told about, the memory is dropped: at worst a notice is sent again. */
  private static final int REMEMBERED = 50_000;

  static final String TARGET_UNREACHABLE = "unreachable";

  private final JetStream jetStream;
  private final String destination;

  /** While the caller still waits, a call told about is told again this often. */
  private static final Duration TELL_AGAIN_AFTER = Duration.ofMinutes(1);

  /** What was told about a call, and when (epoch millis). */
  private record Told(String cause, long atMillis) {}

  /** What was told last, by call id, while the call waits. */
  private final Map<String, Told> told = new ConcurrentHashMap<>();

  private final OpenTelemetry openTelemetry;

  WaitingNotices(JetStream jetStream, String destination, OpenTelemetry openTelemetry) {
    this.openTelemetry = openTelemetry;
    this.jetStream = jetStream;
    this.destination = destination;
  }

  /**
   * The call waits on the stream for {@code cause}; tells its caller unless it was told already.
   *
   * @param blocked true when turned away on purpose (a cap, an open breaker), false for an outage
   * @param retryAfter when the message comes again
   */
  void heldBack(
      Message message,
      CallRequest request,
      String replySubject,
      String cause,
      String reason,
      boolean blocked,
      Duration retryAfter) {
    long delivered = message.metaData().deliveredCount();
    if (!takesNotices(message) || (PASSING_CAUSES.contains(cause) && delivered < 2)) {
      return;
    }
    String callId = request.callId().value();
    long now = System.currentTimeMillis();
    Told before = told.get(callId);
    if (before != null
        && before.cause().equals(cause)
        && now - before.atMillis() < TELL_AGAIN_AFTER.toMillis()) {
      return;
    }
    if (told.size() >= REMEMBERED) {
      told.clear();
    }
    told.put(callId, new Told(cause, now));
    publish(
        message,
        replySubject,
        new CallWaitingNotice(
            callId, reason, blocked, (int) delivered, now, now + retryAfter.toMillis()));
  }

  /**
   * The call's remote run started (or was attached to): a caller told it waits hears it is over.
   */
  void wentThrough(Message message, CallRequest request, String replySubject) {
    String callId = request.callId().value();
    if (told.remove(callId) == null) {
      return;
    }
    publish(
        message,
        replySubject,
        CallWaitingNotice.wentThrough(
            callId, (int) message.metaData().deliveredCount(), System.currentTimeMillis()));
  }

  private static boolean takesNotices(Message message) {
    return WireHeaders.accepts(message, NOTICE);
  }

  /** The call ended without starting (canceled, dead-lettered): nothing to tell any more. */
  void forget(CallRequest request) {
    told.remove(request.callId().value());
  }

  private void publish(Message call, String replySubject, CallWaitingNotice notice) {
    Headers headers = new Headers();
    headers.put(WireHeaders.CALL_ID, notice.callId());
    headers.put(WireHeaders.DESTINATION, destination);
    headers.put(WireHeaders.KIND, NOTICE);
    // the notice's signal in the calling cluster joins the trace the call came in
    NatsTraceContext.inject(
        openTelemetry, NatsTraceContext.extract(openTelemetry, call.getHeaders()), headers);
    try {
      jetStream
          .publishAsync(replySubject, headers, CallPayloads.toBytes(notice))
          .whenComplete(
              (ack, failed) -> {
                if (failed != null) {
                  log.debug("call {}: waiting notice not published: {}", notice.callId(), failed);
                }
              });
    } catch (RuntimeException failed) {
      log.debug("call {}: waiting notice not published: {}", notice.callId(), failed.toString());
    }
  }
}
