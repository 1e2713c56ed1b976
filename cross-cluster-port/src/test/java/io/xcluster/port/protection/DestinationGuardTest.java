package io.xcluster.port.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.failure.ApplicationFailure;
import io.xcluster.port.remote.OpenRunCount;
import io.xcluster.port.spi.TransportMetrics;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DestinationGuardTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final AtomicReference<Optional<OpenRunCount.Count>> counted =
      new AtomicReference<>(Optional.empty());
  private boolean cannotCount;

  private final OpenRunCount openRuns =
      new OpenRunCount() {
        @Override
        public Optional<Count> lastCount() {
          return counted.get();
        }

        @Override
        public boolean cannotCount() {
          return cannotCount;
        }
      };

  private DestinationGuard guard(DestinationLimits limits) {
    return new DestinationGuard(
        limits, openRuns, TransportMetrics.of("test", "eu-west/fulfillment"), now::get);
  }

  private void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }

  @Test
  void breakerOpensAfterTheConfiguredFailuresInARowAndSendsNothingUntilItHalfOpens() {
    DestinationGuard guard = guard(new DestinationLimits(0, 0, 3, Duration.ofSeconds(10)));
    for (int i = 0; i < 2; i++) {
      assertTrue(guard.admitStart().isEmpty());
      guard.unreachable("UNAVAILABLE");
    }
    assertEquals(CircuitBreaker.State.CLOSED, guard.breakerState(), "two failures are not three");
    assertTrue(guard.admitStart().isEmpty());
    guard.unreachable("UNAVAILABLE: connection refused");
    assertEquals(CircuitBreaker.State.OPEN, guard.breakerState());

    advance(Duration.ofSeconds(4));
    DestinationGuard.Blocked blocked = guard.admitStart().orElseThrow();
    assertEquals("breaker", blocked.cause());
    assertTrue(blocked.reason().contains("circuit breaker open"), blocked.reason());
    assertTrue(blocked.reason().contains("connection refused"), blocked.reason());
    assertTrue(
        blocked.retryAfter().compareTo(Duration.ofSeconds(6)) >= 0
            && blocked.retryAfter().compareTo(Duration.ofSeconds(16)) <= 0,
        "asks again after the rest of the interval, spread over one more: " + blocked.retryAfter());
    assertTrue(guard.admitCancel().isPresent(), "a cancel is no exception: nothing goes there");
  }

  @Test
  void halfOpenBreakerLetsOneProbeThroughPerIntervalAndClosesWhenItSucceeds() {
    DestinationGuard guard = guard(new DestinationLimits(0, 0, 1, Duration.ofSeconds(10)));
    guard.unreachable("UNAVAILABLE");
    advance(Duration.ofSeconds(10));
    assertTrue(guard.admitStart().isEmpty(), "the probe");
    assertTrue(guard.admitStart().isPresent(), "a second call while the probe is out");
    guard.unreachable("UNAVAILABLE");
    assertEquals(CircuitBreaker.State.OPEN, guard.breakerState(), "the probe failed");
    advance(Duration.ofSeconds(9));
    assertTrue(guard.admitStart().isPresent(), "one interval after the failed probe, not sooner");
    advance(Duration.ofSeconds(1));
    assertTrue(guard.admitStart().isEmpty(), "the next probe");
    guard.reached();
    assertEquals(CircuitBreaker.State.CLOSED, guard.breakerState());
    for (int i = 0; i < 10; i++) {
      assertTrue(guard.admitStart().isEmpty(), "closed: every call goes");
    }
  }

  @Test
  void aProbeThatNeverReportsIsReplacedOnlyAfterItCannotBeRetryingAnyMore() {
    DestinationGuard guard = guard(new DestinationLimits(0, 0, 1, Duration.ofSeconds(10)));
    guard.unreachable("UNAVAILABLE");
    advance(Duration.ofSeconds(10));
    assertTrue(guard.admitStart().isEmpty(), "a probe whose process then dies");
    advance(Duration.ofSeconds(60));
    assertTrue(
        guard.admitStart().isPresent(),
        "a minute on, the probe may still be in the SDK's own retries: no second one");
    advance(CircuitBreaker.PROBE_LOST_AFTER);
    assertTrue(guard.admitStart().isEmpty(), "another probe");
  }

  @Test
  void callsTheBreakerTurnsAwayUseNoStartRateTokens() {
    DestinationGuard guard = guard(new DestinationLimits(0, 2, 1, Duration.ofSeconds(10)));
    guard.unreachable("UNAVAILABLE");
    for (int i = 0; i < 50; i++) {
      assertEquals("breaker", guard.admitStart().orElseThrow().cause());
    }
    advance(Duration.ofSeconds(10));
    assertTrue(guard.admitStart().isEmpty(), "the probe, with a token left");
    guard.reached();
    assertTrue(guard.admitStart().isEmpty(), "the second of the second's two tokens");
    Duration turn = guard.admitStart().orElseThrow().retryAfter();
    assertTrue(
        turn.compareTo(Duration.ofSeconds(1)) <= 0,
        "no backlog of slots built while open: " + turn);
  }

  @Test
  void aSuccessBetweenFailuresStartsTheCountAgain() {
    DestinationGuard guard = guard(new DestinationLimits(0, 0, 2, Duration.ofSeconds(10)));
    guard.unreachable("UNAVAILABLE");
    guard.reached();
    guard.unreachable("UNAVAILABLE");
    assertEquals(CircuitBreaker.State.CLOSED, guard.breakerState());
  }

  @Test
  void startRateGivesWaitingCallsSuccessiveSlotsAtTheCappedRate() {
    DestinationGuard guard = guard(new DestinationLimits(0, 10, 5, Duration.ofSeconds(10)));
    for (int i = 0; i < 10; i++) {
      assertTrue(guard.admitStart().isEmpty(), "a second's worth goes at once");
    }
    Duration first = guard.admitStart().orElseThrow().retryAfter();
    Duration second = guard.admitStart().orElseThrow().retryAfter();
    Duration third = guard.admitStart().orElseThrow().retryAfter();
    assertEquals(100, first.toMillis(), 1);
    assertEquals(200, second.toMillis(), 1);
    assertEquals(300, third.toMillis(), 1);
    advance(Duration.ofMillis(100));
    assertTrue(guard.admitStart().isEmpty(), "the first waiting call, at its slot");
  }

  @Test
  void startRateKeepsTheRateOverAMinute() {
    DestinationGuard guard = guard(new DestinationLimits(0, 20, 5, Duration.ofSeconds(10)));
    int started = 0;
    for (int tick = 0; tick < 60_000; tick += 10) {
      for (int i = 0; i < 5; i++) { // 500 calls a second asking
        if (guard.admitStart().isEmpty()) {
          started++;
        }
      }
      advance(Duration.ofMillis(10));
    }
    assertTrue(started >= 60 * 20 && started <= 60 * 20 + 21, "started " + started);
  }

  @Test
  void openCallsCapWaitsForAFirstCountRatherThanGuessLow() {
    DestinationGuard guard = guard(new DestinationLimits(5, 0, 5, Duration.ofSeconds(10)));
    DestinationGuard.Blocked blocked = guard.admitStart().orElseThrow();
    assertEquals("open-calls", blocked.cause());
    assertTrue(blocked.reason().contains("not in yet"), blocked.reason());
    assertEquals(Duration.ofSeconds(2), blocked.retryAfter());
    counted.set(Optional.of(new OpenRunCount.Count(0, now.get())));
    assertTrue(guard.admitStart().isEmpty());
    advance(Duration.ofMinutes(2));
    assertTrue(
        guard.admitStart().orElseThrow().reason().contains("out of date"),
        "a count older than the starts kept since is not trusted");
  }

  @Test
  void openCallsCapCountsTheDestinationPlusTheStartsSinceItsLastCount() {
    DestinationGuard guard = guard(new DestinationLimits(5, 0, 5, Duration.ofSeconds(10)));
    counted.set(Optional.of(new OpenRunCount.Count(3, now.get())));
    advance(Duration.ofSeconds(10));
    assertTrue(guard.admitStart().isEmpty(), "3 open: a fourth");
    assertTrue(guard.admitStart().isEmpty(), "a fifth");
    DestinationGuard.Blocked blocked = guard.admitStart().orElseThrow();
    assertEquals("open-calls", blocked.cause());
    assertTrue(blocked.reason().contains("the cap is 5"), blocked.reason());
    assertTrue(
        blocked.retryAfter().compareTo(Duration.ofSeconds(1)) >= 0, "not sooner than a second");
    advance(Duration.ofSeconds(10));
    counted.set(Optional.of(new OpenRunCount.Count(3, now.get())));
    assertTrue(
        guard.admitStart().isEmpty(), "a fresh count of the same value includes those starts");
    assertTrue(guard.admitStart().isEmpty());
    assertTrue(guard.admitStart().isPresent(), "3 counted + 2 since");
  }

  @Test
  void openCallsCapAddsStartsTheTargetsVisibilityMayNotShowYet() {
    DestinationGuard guard = guard(new DestinationLimits(5, 0, 5, Duration.ofSeconds(10)));
    counted.set(Optional.of(new OpenRunCount.Count(0, now.get())));
    advance(Duration.ofSeconds(30));
    for (int i = 0; i < 3; i++) {
      assertTrue(guard.admitStart().isEmpty());
    }
    advance(Duration.ofSeconds(1));
    // asked for after the three starts, but visibility has not caught up: it says 0
    counted.set(Optional.of(new OpenRunCount.Count(0, now.get())));
    assertTrue(guard.admitStart().isEmpty(), "0 counted + 3 just before + this one");
    assertTrue(guard.admitStart().isEmpty(), "the fifth");
    assertTrue(guard.admitStart().isPresent(), "the three a lagging count missed still count");
  }

  @Test
  void callsWaitingAtTheCapAskAgainAboutAsOftenPerSecondAsTheCapIsLarge() {
    DestinationGuard guard = guard(new DestinationLimits(20, 0, 5, Duration.ofSeconds(10)));
    counted.set(Optional.of(new OpenRunCount.Count(20, now.get())));
    double sumSeconds = 0;
    for (int i = 0; i < 400; i++) {
      sumSeconds += guard.admitStart("call-" + i).orElseThrow().retryAfter().toMillis() / 1000.0;
    }
    Duration last = guard.admitStart("call-0").orElseThrow().retryAfter();
    assertTrue(
        last.compareTo(Duration.ofSeconds(10)) >= 0 && last.compareTo(Duration.ofSeconds(30)) <= 0,
        "400 waiting, a cap of 20: each about every 20 s, was " + last);
    assertTrue(sumSeconds / 400 < 15, "the first to wait were told sooner: " + sumSeconds / 400);
  }

  @Test
  void openCallsCapIsNotKeptAgainstATargetThatCannotCount() {
    cannotCount = true;
    DestinationGuard guard = guard(new DestinationLimits(1, 0, 5, Duration.ofSeconds(10)));
    for (int i = 0; i < 3; i++) {
      assertTrue(guard.admitStart().isEmpty(), "never blocked for good on a figure nobody has");
    }
  }

  @Test
  void blockedCallFailsRetryablyWithItsReasonAndDelay() {
    DestinationGuard.Blocked blocked =
        new DestinationGuard.Blocked("breaker", "eu-west/fulfillment: open", Duration.ofSeconds(7));
    ApplicationFailure failure = blocked.asFailure();
    assertEquals(DestinationGuard.BLOCKED, failure.getType());
    assertFalse(failure.isNonRetryable());
    assertEquals(Duration.ofSeconds(7), failure.getNextRetryDelay());
    assertTrue(failure.getOriginalMessage().contains("eu-west/fulfillment: open"));
  }

  @Test
  void invalidLimitsNameTheSetting() {
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> new DestinationLimits(-1, 0, 5, Duration.ofSeconds(1)))
            .getMessage()
            .startsWith("max-open-calls"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> new DestinationLimits(0, 0, 0, Duration.ofSeconds(1)))
            .getMessage()
            .startsWith("breaker-failures"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> new DestinationLimits(0, 0, 1, Duration.ZERO))
            .getMessage()
            .startsWith("breaker-half-open-after"));
  }
}
