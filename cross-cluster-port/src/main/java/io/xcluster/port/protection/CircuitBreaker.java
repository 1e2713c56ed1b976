package io.xcluster.port.protection;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the calls to one destination once it plainly does not answer: open after {@code failures}
 * consecutive failures to reach it, nothing passes for {@code halfOpenAfter}, then one probe; the
 * probe's success closes the breaker, its failure opens it for another interval. A probe that never
 * reports (its process died) is replaced after {@link #PROBE_LOST_AFTER}.
 */
public final class CircuitBreaker {

  /** What the breaker lets through now. */
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private static final Logger log = LoggerFactory.getLogger(CircuitBreaker.class);

  private final String destination;
  private final int failuresToOpen;
  private final long halfOpenAfterNanos;
  private final LongSupplier nanoTime;

  private State state = State.CLOSED;
  private int consecutiveFailures;
  private long openedAtNanos;
  private long firstOpenedAtNanos;
  private long probeSentAtNanos;
  private boolean probeOut;
  private String lastFailure = "";
  private long probes;

  public CircuitBreaker(
      String destination, int failuresToOpen, Duration halfOpenAfter, LongSupplier nanoTime) {
    this.destination = destination;
    this.failuresToOpen = failuresToOpen;
    this.halfOpenAfterNanos = halfOpenAfter.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * A probe that has not reported after this long is taken for lost (its process died) and
   * replaced: longer than a start may spend in the SDK's own retries against a cluster that does
   * not answer (about a minute), so probes never overlap while the breaker waits for one.
   */
  static final Duration PROBE_LOST_AFTER = Duration.ofMinutes(2);

  /**
   * How long until a request may go, without taking the probe: empty when the breaker is closed or
   * a probe is due. Asked first, so a call the breaker will turn away uses up nothing else (a start
   * rate token).
   */
  public synchronized Optional<Duration> wouldBlock() {
    long now = nanoTime.getAsLong();
    return switch (state) {
      case CLOSED -> Optional.empty();
      case OPEN -> {
        long waited = now - openedAtNanos;
        yield waited < halfOpenAfterNanos
            ? Optional.of(Duration.ofNanos(halfOpenAfterNanos - waited))
            : Optional.empty();
      }
      case HALF_OPEN ->
          probeOut && now - probeSentAtNanos < PROBE_LOST_AFTER.toNanos()
              ? Optional.of(Duration.ofNanos(halfOpenAfterNanos))
              : Optional.empty();
    };
  }

  /**
   * Empty when a request may go to the destination now (in the half-open state, as the one probe);
   * otherwise how long until the breaker may let one through.
   */
  public synchronized Optional<Duration> tryPass() {
    long now = nanoTime.getAsLong();
    switch (state) {
      case CLOSED:
        return Optional.empty();
      case OPEN:
        long waited = now - openedAtNanos;
        if (waited < halfOpenAfterNanos) {
          return Optional.of(Duration.ofNanos(halfOpenAfterNanos - waited));
        }
        state = State.HALF_OPEN;
        log.info(
            "circuit breaker for {} half-open: one probe goes through after {} ms open",
            destination,
            Duration.ofNanos(waited).toMillis());
        return probe(now);
      case HALF_OPEN:
      default:
        if (!probeOut || now - probeSentAtNanos >= PROBE_LOST_AFTER.toNanos()) {
          return probe(now); // the last probe never reported: its caller is gone
        }
        // the probe's answer decides; until then, ask again after an interval
        return Optional.of(Duration.ofNanos(halfOpenAfterNanos));
    }
  }

  private Optional<Duration> probe(long now) {
    probeOut = true;
    probeSentAtNanos = now;
    probes++;
    return Optional.empty();
  }

  /** A request reached the destination and it answered. */
  public synchronized void succeeded() {
    consecutiveFailures = 0;
    if (state != State.CLOSED) {
      log.info(
          "circuit breaker for {} closed: it answered again, {} s after the breaker opened;"
              + " calls flow again",
          destination,
          Duration.ofNanos(nanoTime.getAsLong() - firstOpenedAtNanos).toSeconds());
      state = State.CLOSED;
      probeOut = false;
    }
  }

  /** A request to the destination failed for want of an answer (not a refusal or a bug). */
  public synchronized void failed(String why) {
    lastFailure = why;
    long now = nanoTime.getAsLong();
    if (state == State.HALF_OPEN) {
      state = State.OPEN;
      openedAtNanos = now;
      probeOut = false;
      log.warn(
          "circuit breaker for {} open again: the probe failed ({}); next probe in {} ms",
          destination,
          why,
          Duration.ofNanos(halfOpenAfterNanos).toMillis());
      return;
    }
    if (state == State.OPEN) {
      return; // a request sent before the breaker opened, failing late
    }
    if (++consecutiveFailures >= failuresToOpen) {
      state = State.OPEN;
      openedAtNanos = now;
      firstOpenedAtNanos = now;
      log.warn(
          "circuit breaker for {} opened after {} failures in a row (last: {}); no calls go there"
              + " for {} ms, then one probe",
          destination,
          consecutiveFailures,
          why,
          Duration.ofNanos(halfOpenAfterNanos).toMillis());
    }
  }

  public synchronized State state() {
    return state;
  }

  /** The state in a few words, for the readiness details: {@code open (last failure: ...)}. */
  public synchronized String describe() {
    return switch (state) {
      case CLOSED -> "closed";
      case OPEN -> "open (last failure: " + lastFailure + ")";
      case HALF_OPEN -> "half-open (a probe is out; last failure: " + lastFailure + ")";
    };
  }

  /** The last failure that counted, for a blocked call's reason. */
  public synchronized String lastFailure() {
    return lastFailure;
  }

  /** Probes let through since this breaker was made. */
  public synchronized long probes() {
    return probes;
  }
}
