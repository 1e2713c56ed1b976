package io.xcluster.transport.nats;

import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes to JetStream and rides out the broker being out of reach in the same call. From the
 * client all of these look alike and pass by themselves: a clustered stream without a leader while
 * a new one is elected (the server answers "503 no responders" at once, or the request times out),
 * the connection lost while the broker restarts or the link to its region is cut, and, when the
 * client's server is a leaf node in its own region, the leaf's link to the JetStream servers cut
 * (the client stays connected and hears "no responders"). Failing the publish would hand the retry
 * to Temporal's back-off (1, 2, 4 s… up to 30 s), which lands well after the broker is back;
 * retrying here every few hundred milliseconds lets the call through as soon as it is. Safe because
 * every publish carries a {@code Nats-Msg-Id}: a publish that went through but whose ack was lost
 * is de-duplicated by the stream. Beyond {@code window} the last failure is thrown, and the caller
 * treats it as the outage it then is.
 *
 * <p>While the connection itself is down the publisher does not publish into the client's reconnect
 * buffer: it waits for the connection and publishes the moment it is back.
 */
final class ElectionTolerantPublisher {

  /**
   * Longer than a JetStream leader election (a follower campaigns 4–9 s after its leader fell
   * silent) and than most cuts of a link, yet inside the publish activity's 1 min budget; one
   * window for every cause, because a client cannot tell them apart (a leaf node answers "no
   * responders" for a cut link as a cluster does for an election).
   */
  static final Duration DEFAULT_WINDOW = Duration.ofSeconds(45);

  /**
   * One attempt waits at most this long for the stream's acknowledgement (a publish takes about a
   * millisecond, 4 ms at p99 on a synced 3-node cluster): a node that died under a request costs 2
   * s, not the connection's 5 s, and the next attempt goes to another.
   */
  static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

  private static final Duration SHORTEST_ATTEMPT = Duration.ofMillis(500);

  /** JetStream's JSStreamDuplicateMessageConflict: the same Nats-Msg-Id is being stored now. */
  static final int DUPLICATE_MESSAGE_ID_IN_PROCESS = 10158;

  private static final long FIRST_PAUSE_MILLIS = 100;
  private static final long LONGEST_PAUSE_MILLIS = 1_000;
  private static final Logger log = LoggerFactory.getLogger(ElectionTolerantPublisher.class);

  private static final long RECONNECT_CHECK_MILLIS = 100;

  private final JetStream jetStream;
  private final Duration window;
  private final BooleanSupplier connected;
  private final Runnable beforeEachRetry;

  ElectionTolerantPublisher(JetStream jetStream, Duration window) {
    this(jetStream, window, () -> true, () -> {});
  }

  /**
   * @param connected whether the client is connected now (e.g. {@code connection.getStatus() ==
   *     CONNECTED}); a closed connection should count as connected, so that the publish fails at
   *     once instead of waiting for a reconnect that will not come
   * @param beforeEachRetry e.g. an activity's heartbeat, so that riding out an election never looks
   *     like a dead worker to Temporal (and a cancellation stops the retries)
   */
  ElectionTolerantPublisher(
      JetStream jetStream, Duration window, BooleanSupplier connected, Runnable beforeEachRetry) {
    if (window.isNegative()) {
      throw new IllegalArgumentException(
          "the publish retry window must not be negative: " + window);
    }
    this.jetStream = jetStream;
    this.window = window;
    this.connected = connected;
    this.beforeEachRetry = beforeEachRetry;
  }

  /**
   * Publishes with {@code messageId} as {@code Nats-Msg-Id}; retries a broker that answers "not
   * now" until {@code window} has passed, each attempt waiting no longer than the window has left
   * (at least half a second, at most {@link #ATTEMPT_TIMEOUT}).
   */
  PublishAck publish(String subject, Headers headers, byte[] body, String messageId)
      throws IOException, JetStreamApiException, InterruptedException {
    if (messageId == null || messageId.isBlank()) {
      throw new IllegalArgumentException(
          "a publish that may be retried needs a Nats-Msg-Id, or a retry may store it twice");
    }
    long started = System.nanoTime();
    long deadline = started + window.toNanos();
    long pause = FIRST_PAUSE_MILLIS;
    int failures = 0;
    Exception lastFailure = null;
    while (true) {
      if (!connected.getAsBoolean()) {
        awaitConnection(deadline, subject);
        pause = FIRST_PAUSE_MILLIS;
      }
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      Duration attemptTimeout =
          left.compareTo(ATTEMPT_TIMEOUT) > 0
              ? ATTEMPT_TIMEOUT
              : (left.compareTo(SHORTEST_ATTEMPT) < 0 ? SHORTEST_ATTEMPT : left);
      PublishOptions options =
          PublishOptions.builder().messageId(messageId).streamTimeout(attemptTimeout).build();
      if (failures > 0) {
        beforeEachRetry.run();
      }
      try {
        PublishAck ack = jetStream.publish(subject, headers, body, options);
        if (failures > 0) {
          log.info(
              "published {} to {} after {} failed attempts over {} ms; the last: {}",
              messageId,
              subject,
              failures,
              Duration.ofNanos(System.nanoTime() - started).toMillis(),
              lastFailure.getMessage());
        }
        return ack;
      } catch (IOException | JetStreamApiException notNow) {
        if (Thread.currentThread().isInterrupted()
            || !isTransient(notNow)
            || System.nanoTime() + pause * 1_000_000 > deadline) {
          throw notNow;
        }
        failures++;
        lastFailure = notNow;
        log.debug("publish to {} refused ({}); again in {} ms", subject, notNow, pause);
        Thread.sleep(pause);
        pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
      }
    }
  }

  /** Waits (heartbeating) until the connection is back, or throws at {@code deadline}. */
  private void awaitConnection(long deadline, String subject)
      throws IOException, InterruptedException {
    long waitingSince = System.nanoTime();
    while (!connected.getAsBoolean()) {
      if (System.nanoTime() >= deadline) {
        throw new IOException(
            "no connection to NATS for "
                + Duration.ofNanos(System.nanoTime() - waitingSince).toSeconds()
                + " s; "
                + subject
                + " not published");
      }
      beforeEachRetry.run();
      Thread.sleep(RECONNECT_CHECK_MILLIS);
    }
    log.debug(
        "connection to NATS back after {} ms; publishing to {}",
        Duration.ofNanos(System.nanoTime() - waitingSince).toMillis(),
        subject);
  }

  /**
   * What a leader election (or a reconnect to another node) looks like to a publisher: no
   * responders, a timeout (both {@link IOException}), a server-side "unavailable" (5xx), or "a
   * message with this id is being stored" — another copy of the same message (two relays publishing
   * one outcome through a leader change) that may yet fail, so asking again is the only way to
   * learn. Any other 4xx (wrong stream, too large, refused) will not change by asking again.
   */
  static boolean isTransient(Exception failure) {
    return failure instanceof IOException
        || (failure instanceof JetStreamApiException api
            && (api.getErrorCode() >= 500
                || api.getApiErrorCode() == DUPLICATE_MESSAGE_ID_IN_PROCESS));
  }
}
