package io.xcluster.localstack.realstack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.port.protection.DestinationLimits;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.testkit.link.CuttableLink;
import io.xcluster.transport.bridge.BridgeTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Per-destination protection on two real servers, each transport in this JVM with its link to
 * eu-west behind a {@link CuttableLink} (what eu-west would have received is counted there), and
 * eu-west's own visibility sampled for open runs. Each test leaves a row for docs/reliability.md.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class DestinationLimitsOnRealServersIT {

  static final Duration OUTAGE = Duration.ofSeconds(60);
  static final int WAITING = Integer.getInteger("xcluster.limits.waiting", 500);
  static final int BURST = Integer.getInteger("xcluster.limits.burst", 2_000);
  static final int CAP = Integer.getInteger("xcluster.limits.cap", 200);

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {BridgeTransport.NAME, "nats"})
  void eachCallWaitingOutAMinuteOfUnreachableTargetCostsItOnlyTheBreakersProbesAndCompletesOnce(
      String transport) throws Exception {
    Duration halfOpen = DestinationLimits.DEFAULT_BREAKER_HALF_OPEN_AFTER;
    try (TransportInThisJvm setup = new TransportInThisJvm(transport, DestinationLimits.DEFAULTS)) {
      setup.link.cut();
      long began = System.nanoTime();
      List<TransportInThisJvm.Call> calls =
          setup.place(WAITING, i -> RemoteBehaviour.complete("parcel-" + i));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!setup.breakerOpen()) {
        assertTrue(System.nanoTime() < deadline, "the breaker opened within a minute");
        Thread.sleep(100);
      }
      int beforeOpen = setup.link.requestsWhileCut();
      Thread.sleep(OUTAGE.toMillis());
      int whileOpen = setup.link.requestsWhileCut() - beforeOpen;
      long intervals = OUTAGE.toMillis() / halfOpen.toMillis();
      setup.link.heal();
      long healed = System.nanoTime();
      TransportInThisJvm.Tally tally = setup.await(calls);
      String injection =
          String.format(
              "%d calls waiting while every request to eu-west failed UNAVAILABLE for %d s after"
                  + " the breaker opened (its link cut at the transport, both clusters up):"
                  + " %d requests reached eu-west meanwhile in %d half-open intervals of %d s (%d"
                  + " before the breaker opened)",
              WAITING, OUTAGE.toSeconds(), whileOpen, intervals, halfOpen.toSeconds(), beforeOpen);
      System.out.println(injection + "; all done " + tally.secondsSince(healed) + " s after");
      tally.record("target-unreachable-breaker-60s", transport, injection, began, healed);
      assertTrue(
          whileOpen <= intervals + 1,
          "an open breaker costs eu-west one probe per interval: " + injection);
      tally.assertAllOnce();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {BridgeTransport.NAME, "nats"})
  void aBurstAgainstTheOpenCallsCapNeverOpensMoreRemoteRunsThanTheCapAndAllComplete(
      String transport) throws Exception {
    DestinationLimits limits =
        new DestinationLimits(
            CAP,
            0,
            DestinationLimits.DEFAULT_BREAKER_FAILURES,
            DestinationLimits.DEFAULT_BREAKER_HALF_OPEN_AFTER);
    AtomicLong mostOpen = new AtomicLong();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    try (TransportInThisJvm setup = new TransportInThisJvm(transport, limits)) {
      Runnable sample = () -> mostOpen.accumulateAndGet(setup.openRuns(), Math::max);
      setup.link.afterEachStart(sample);
      sampler.scheduleWithFixedDelay(sample, 0, 200, TimeUnit.MILLISECONDS);
      long began = System.nanoTime();
      List<TransportInThisJvm.Call> calls =
          setup.place(BURST, i -> RemoteBehaviour.hold("parcel-" + i, 3_000));
      TransportInThisJvm.Tally tally = setup.await(calls);
      sampler.shutdownNow();
      String injection =
          String.format(
              "a burst of %d calls of 3 s each against a cap of %d open calls: at most %d remote"
                  + " runs open at once (eu-west's own count, sampled every 200 ms and at each"
                  + " start)",
              BURST, CAP, mostOpen.get());
      System.out.println(injection + "; all done in " + tally.secondsSince(began) + " s");
      tally.record("open-calls-cap-burst", transport, injection, began, null);
      assertTrue(mostOpen.get() <= CAP, injection);
      assertTrue(mostOpen.get() >= CAP / 2, "the cap, not a trickle: " + injection);
      tally.assertAllOnce();
    } finally {
      sampler.shutdownNow();
    }
  }
}
