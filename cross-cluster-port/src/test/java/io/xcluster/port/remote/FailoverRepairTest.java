package io.xcluster.port.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.port.spi.TransportMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FailoverRepairTest {

  private final TransportMetrics metrics = TransportMetrics.of("test", "eu-west/fulfillment");

  @Test
  void callsThatCouldNotBeReadAreCheckedAgainAndWhatWasReissuedAddsUp() throws Exception {
    Deque<LostStartRecheck.Result> rounds = new ArrayDeque<>();
    rounds.add(new LostStartRecheck.Result(10, 3, 4)); // the new active side half there
    rounds.add(new LostStartRecheck.Result(7, 2, 1));
    rounds.add(new LostStartRecheck.Result(5, 1, 0));
    AtomicInteger asked = new AtomicInteger();
    FailoverRepair repair =
        FailoverRepair.onRequestOnly(
            metrics,
            () -> {
              asked.incrementAndGet();
              return rounds.poll();
            },
            Duration.ofMillis(10));

    LostStartRecheck.Result result = repair.recheckNow("a failover");

    assertEquals(3, asked.get());
    assertEquals(new LostStartRecheck.Result(5, 6, 0), result);
    repair.close();
  }

  @Test
  void aRequestWhileARecheckRunsIsCoveredByOneMoreRun() throws Exception {
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    FailoverRepair repair =
        FailoverRepair.onRequestOnly(
            metrics,
            () -> {
              if (runs.incrementAndGet() == 1) {
                firstStarted.countDown();
                try {
                  releaseFirst.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return LostStartRecheck.Result.NOTHING;
            },
            Duration.ofMillis(10));

    long first = repair.request("a failover");
    firstStarted.await();
    long second = repair.request("asked on /calls/recheck");
    long third = repair.request("another failover");
    assertTrue(repair.status().running());
    releaseFirst.countDown();
    while (repair.status().completed() < third) {
      Thread.sleep(10);
    }

    assertEquals(1, first);
    assertEquals(3, third);
    assertEquals(2, runs.get(), "the two requests made during the first run share one more run");
    assertEquals(second + 1, repair.status().completed());
    repair.close();
  }
}
