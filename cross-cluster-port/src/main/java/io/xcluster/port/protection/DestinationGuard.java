package io.xcluster.port.protection;

import io.temporal.failure.ApplicationFailure;
import io.xcluster.port.remote.OpenRunCount;
import io.xcluster.port.spi.TransportMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a transport asks before it sends a call to its destination: the cap on open calls, the cap
 * on starts per second and the circuit breaker of {@link DestinationLimits}. A call turned away is
 * never held in memory and never failed: the transport hands back a {@link Blocked} and the call
 * waits where it waits anyway (an activity retry in the calling cluster, an unacknowledged message
 * on the broker), with a reason anyone can read.
 */
public final class DestinationGuard {

  /** The failure type of a call turned away; retryable, so the call waits in Temporal. */
  public static final String BLOCKED = "DestinationBlocked";

  /**
   * Why a call may not go now, and when to ask again (null: after the caller's own back-off).
   *
   * @param cause {@code breaker}, {@code open-calls} or {@code start-rate}: the metric's label
   */
  public record Blocked(String cause, String reason, Duration retryAfter) {

    /** As the activity failure that makes the call wait in Temporal. */
    public ApplicationFailure asFailure() {
      return retryAfter == null
          ? ApplicationFailure.newFailure(reason, BLOCKED)
          : ApplicationFailure.newFailureWithCauseAndDelay(reason, BLOCKED, null, retryAfter);
    }
  }

  private static final Logger log = LoggerFactory.getLogger(DestinationGuard.class);

  private final String destination;
  private final DestinationLimits limits;
  private final CircuitBreaker breaker;
  private final StartRate rate;
  private final OpenRunCount openRuns;
  private final TransportMetrics metrics;

  /**
   * When this process let starts through (nanoTime), for the last {@link #STARTS_KEPT}: a count of
   * open runs misses the runs started after it was asked for, and those its visibility has not
   * caught up with yet.
   */
  private final Deque<Long> recentStarts = new ArrayDeque<>();

  /**
   * How far behind a start the target's visibility may be: starts this long before a count are
   * added to it too. A run counted twice only lowers the cap for a moment; one not counted at all
   * would raise it.
   */
  static final Duration VISIBILITY_LAG = Duration.ofSeconds(3);

  static final Duration STARTS_KEPT = Duration.ofMinutes(1);

  static final Duration COUNT_PENDING_RETRY = Duration.ofSeconds(2);

  /** Calls turned away at the cap, by call key, when last: how many wait. */
  private final java.util.Map<String, Long> waitingAtCap = new java.util.HashMap<>();

  private long prunedAtNanos;

  static final Duration LONGEST_WAIT_AT_CAP = Duration.ofSeconds(30);
  static final int WAITING_REMEMBERED = 1_000;
  static final double MIN_ASKS_PER_SECOND = 10;
  private final AtomicBoolean atCap = new AtomicBoolean();
  private final AtomicBoolean uncountable = new AtomicBoolean();
  private final AtomicLong capLoggedAtNanos = new AtomicLong(Long.MIN_VALUE);
  private final LongSupplier nanoTime;
  private static final Duration CAP_LOG_EVERY = Duration.ofMinutes(1);

  /**
   * @param openRuns the destination's open runs as last counted
   */
  public DestinationGuard(
      DestinationLimits limits,
      OpenRunCount openRuns,
      TransportMetrics metrics,
      LongSupplier nanoTime) {
    this.destination = metrics.destination();
    this.limits = limits;
    this.breaker =
        new CircuitBreaker(
            destination, limits.breakerFailures(), limits.breakerHalfOpenAfter(), nanoTime);
    this.rate =
        limits.capsStartRate() ? new StartRate(limits.maxStartsPerSecond(), nanoTime) : null;
    this.openRuns = openRuns;
    this.metrics = metrics;
    this.nanoTime = nanoTime;
    metrics.gauge(
        "xcluster.breaker.open",
        "1 while the circuit breaker to the destination is open or half-open, else 0",
        new BreakerOpen(breaker));
  }

  public DestinationGuard(
      DestinationLimits limits, OpenRunCount openRuns, TransportMetrics metrics) {
    this(limits, openRuns, metrics, System::nanoTime);
  }

  /**
   * Whether a call may start (or attach to) its remote run now. One at a time: the checks and the
   * start they let through are one step, so concurrent calls cannot all slip under a cap together.
   */
  public Optional<Blocked> admitStart() {
    return admitStart(null);
  }

  /**
   * As {@link #admitStart()}, for the call {@code callKey} (its call id): a call turned away at the
   * cap on open calls is remembered for a while, so the guard knows how many wait and spaces their
   * retries to match.
   */
  public synchronized Optional<Blocked> admitStart(String callKey) {
    // the breaker is asked first without taking its probe, so a call it turns away uses no rate
    // token, and last to take the probe, so a probe is never taken by a call a cap then holds back
    Optional<Blocked> blocked = breaker.wouldBlock().map(this::breakerBlocked);
    if (blocked.isEmpty()) {
      blocked = overOpenCap(callKey);
    }
    if (blocked.isEmpty() && rate != null) {
      blocked =
          rate.tryStart()
              .map(
                  wait ->
                      new Blocked(
                          "start-rate",
                          destination
                              + ": at the cap of "
                              + limits.maxStartsPerSecond()
                              + " starts per second; this call's turn comes in "
                              + wait.toMillis()
                              + " ms",
                          wait));
    }
    if (blocked.isEmpty()) {
      blocked = breakerBlocks();
    }
    blocked.ifPresentOrElse(this::count, this::recordStart);
    if (blocked.isEmpty() && callKey != null) {
      waitingAtCap.remove(callKey);
    }
    return blocked;
  }

  /** Whether a cancel may go to the destination now: only the breaker stops one. */
  public Optional<Blocked> admitCancel() {
    Optional<Blocked> blocked = breakerBlocks();
    blocked.ifPresent(this::count);
    return blocked;
  }

  /** The destination answered a request. */
  public void reached() {
    breaker.succeeded();
  }

  /** A request found the destination unreachable (an outage, not a refusal). */
  public void unreachable(String why) {
    breaker.failed(why);
  }

  /** The breaker in a few words: {@code closed}, {@code open (last failure: ...)}. */
  public String describeBreaker() {
    return breaker.describe();
  }

  public CircuitBreaker.State breakerState() {
    return breaker.state();
  }

  public DestinationLimits limits() {
    return limits;
  }

  private Optional<Blocked> breakerBlocks() {
    return breaker.tryPass().map(this::breakerBlocked);
  }

  private Blocked breakerBlocked(Duration untilProbe) {
    // spread over one more interval, so the calls do not all return at the same instant
    long spreadMillis =
        ThreadLocalRandom.current().nextLong(limits.breakerHalfOpenAfter().toMillis() + 1);
    Duration retryAfter = untilProbe.plusMillis(spreadMillis);
    return new Blocked(
        "breaker",
        destination
            + ": circuit breaker open (last failure: "
            + breaker.lastFailure()
            + "); the next probe goes in "
            + untilProbe.toSeconds()
            + " s, this call asks again in "
            + retryAfter.toSeconds()
            + " s",
        retryAfter);
  }

  private Optional<Blocked> overOpenCap(String callKey) {
    if (!limits.capsOpenCalls()) {
      return Optional.empty();
    }
    if (openRuns.cannotCount()) {
      if (uncountable.compareAndSet(false, true)) {
        log.error(
            "max-open-calls is {} but {} cannot count its open runs (no advanced visibility):"
                + " the cap is not kept; the breaker and the start rate still are",
            limits.maxOpenCalls(),
            destination);
      }
      return Optional.empty();
    }
    Optional<OpenRunCount.Count> counted = openRuns.lastCount();
    long now = nanoTime.getAsLong();
    if (counted.isEmpty() || now - counted.get().askedAtNanos() > STARTS_KEPT.toNanos()) {
      // no count yet (a restarted process does not know what is open), or one too old for the
      // starts kept since: wait for a count rather than guess low
      return Optional.of(
          new Blocked(
              "open-calls",
              destination
                  + ": the count of open runs the cap of "
                  + limits.maxOpenCalls()
                  + " is kept against is "
                  + (counted.isEmpty() ? "not in yet" : "out of date")
                  + "; this call asks again in 2 s",
              COUNT_PENDING_RETRY));
    }
    long uncountedFrom = counted.get().askedAtNanos() - VISIBILITY_LAG.toNanos();
    return capCheck(counted.get().open() + startsSince(uncountedFrom), callKey);
  }

  private Optional<Blocked> capCheck(long open, String callKey) {
    if (open < limits.maxOpenCalls()) {
      if (atCap.compareAndSet(true, false) && capLogDue()) {
        log.info(
            "open calls to {} below the cap of {} again ({}); waiting calls start as they retry",
            destination,
            limits.maxOpenCalls(),
            open);
      }
      return Optional.empty();
    }
    if (atCap.compareAndSet(false, true) && capLogDue()) {
      log.warn(
          "open calls to {} reached the cap of {} ({} counted); further calls wait (in the calling"
              + " cluster, or on the broker) until runs end",
          destination,
          limits.maxOpenCalls(),
          open);
    }
    Duration retryAfter = retryAtCap(callKey);
    return Optional.of(
        new Blocked(
            "open-calls",
            destination
                + ": "
                + open
                + " calls open, the cap is "
                + limits.maxOpenCalls()
                + "; this call asks again in "
                + retryAfter.toSeconds()
                + " s",
            retryAfter));
  }

  /**
   * When a call turned away at the cap asks again: nothing says when runs will end, so the waiting
   * calls together ask about as often per second as the cap is large (a cap of 200 with 1,800
   * waiting: each every 9 s, spread ±50 %), at least every {@link #LONGEST_WAIT_AT_CAP} and at most
   * every second.
   */
  private Duration retryAtCap(String callKey) {
    long now = nanoTime.getAsLong();
    if (callKey != null) {
      waitingAtCap.put(callKey, now);
      if (waitingAtCap.size() > WAITING_REMEMBERED && now - prunedAtNanos > 1_000_000_000L) {
        prunedAtNanos = now;
        waitingAtCap.values().removeIf(at -> now - at > LONGEST_WAIT_AT_CAP.toNanos() * 2);
      }
    }
    double perSecond = Math.max(limits.maxOpenCalls(), MIN_ASKS_PER_SECOND);
    double meanSeconds = Math.max(1, waitingAtCap.size() / perSecond);
    double seconds = meanSeconds * (0.5 + ThreadLocalRandom.current().nextDouble());
    long millis = (long) Math.min(seconds * 1000, LONGEST_WAIT_AT_CAP.toMillis());
    return Duration.ofMillis(Math.max(millis, 1000));
  }

  private void recordStart() {
    long now = nanoTime.getAsLong();
    recentStarts.addLast(now);
    while (!recentStarts.isEmpty() && now - recentStarts.peekFirst() > STARTS_KEPT.toNanos()) {
      recentStarts.removeFirst();
    }
  }

  private long startsSince(long fromNanos) {
    long since = 0;
    for (var starts = recentStarts.descendingIterator(); starts.hasNext(); ) {
      if (starts.next() - fromNanos < 0) {
        break;
      }
      since++;
    }
    return since;
  }

  /** At the cap, the count crosses it with every run that ends: say so once a minute at most. */
  private boolean capLogDue() {
    long now = nanoTime.getAsLong();
    long last = capLoggedAtNanos.get();
    return (last == Long.MIN_VALUE || now - last >= CAP_LOG_EVERY.toNanos())
        && capLoggedAtNanos.compareAndSet(last, now);
  }

  private void count(Blocked blocked) {
    metrics
        .counter(
            "xcluster.calls.blocked",
            "calls turned away before reaching the destination, by cause; each waits and asks again",
            "cause",
            blocked.cause())
        .increment();
  }

  /** The breaker as a number for the gauge: 1 open or half-open, 0 closed. */
  private static final class BreakerOpen extends Number {
    private final transient CircuitBreaker breaker;

    BreakerOpen(CircuitBreaker breaker) {
      this.breaker = breaker;
    }

    @Override
    public double doubleValue() {
      return breaker.state() == CircuitBreaker.State.CLOSED ? 0 : 1;
    }

    @Override
    public int intValue() {
      return (int) doubleValue();
    }

    @Override
    public long longValue() {
      return (long) doubleValue();
    }

    @Override
    public float floatValue() {
      return (float) doubleValue();
    }
  }
}
