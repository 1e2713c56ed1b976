package io.xcluster.port.remote;

import io.micrometer.core.instrument.Counter;
import io.temporal.client.WorkflowClient;
import io.xcluster.port.spi.TransportMetrics;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-checks a transport's open calls when the target namespace fails over, and whenever an operator
 * asks: the repair for starts a forced failover lost ({@link LostStartRecheck}). Re-checks run on a
 * thread of their own, one at a time; a request made while one runs is covered by the next, so no
 * failover goes unchecked. Right after a failover the new active cluster may not answer every
 * describe: calls it could not read are checked again, up to {@value #EXTRA_ROUNDS} more times,
 * {@value #FIRST_PAUSE_SECONDS} s apart and doubling.
 */
public final class FailoverRepair implements AutoCloseable {

  static final int EXTRA_ROUNDS = 3;
  static final long FIRST_PAUSE_SECONDS = 5;

  private static final Logger log = LoggerFactory.getLogger(FailoverRepair.class);

  /** Where re-checks stand: requests are numbered; {@code completed} covers all up to it. */
  public record Status(
      boolean running, long requested, long completed, LostStartRecheck.Result last) {}

  private final Supplier<LostStartRecheck.Result> recheck;
  private final Counter reissued;
  private final Counter rechecks;
  private final NamespaceFailoverWatch watch;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "failover-repair");
            thread.setDaemon(true);
            return thread;
          });
  private final Duration firstPause;

  private final Object lock = new Object();
  private boolean running;
  private String again;
  private long requested;
  private long completed;
  private LostStartRecheck.Result lastResult;

  private FailoverRepair(
      WorkflowClient target,
      Duration every,
      TransportMetrics metrics,
      Supplier<LostStartRecheck.Result> recheck,
      Duration firstPause) {
    this.recheck = recheck;
    this.firstPause = firstPause;
    this.reissued =
        metrics.counter(
            "xcluster.calls.reissued",
            "open calls whose remote run was missing on a re-check after a failover (a start the"
                + " failover lost), asked again under their call ids");
    this.rechecks =
        metrics.counter("xcluster.calls.rechecks", "re-checks of open calls (failovers and asks)");
    this.watch =
        target == null
            ? null
            : NamespaceFailoverWatch.start(
                target, every, failedOver -> request(failedOver.describe()));
  }

  /**
   * Watches {@code target}'s namespace every {@code every} and re-checks with {@code recheck} on
   * each failover.
   */
  public static FailoverRepair start(
      WorkflowClient target,
      Duration every,
      TransportMetrics metrics,
      Supplier<LostStartRecheck.Result> recheck) {
    return new FailoverRepair(
        target, every, metrics, recheck, Duration.ofSeconds(FIRST_PAUSE_SECONDS));
  }

  /**
   * Without a namespace watch: re-checks only when asked, pausing {@code firstPause} before reading
   * unreadable calls again (tests, and a transport that cannot read its target's namespace).
   */
  public static FailoverRepair onRequestOnly(
      TransportMetrics metrics, Supplier<LostStartRecheck.Result> recheck, Duration firstPause) {
    return new FailoverRepair(null, null, metrics, recheck, firstPause);
  }

  /**
   * Asks for a re-check of every open call, saying {@code why} in the log; returns at once with the
   * request's number ({@link #status()} tells when it is done).
   */
  public long request(String why) {
    synchronized (lock) {
      long number = ++requested;
      if (running) {
        again = why; // the run in progress may have read some calls before this request
      } else {
        running = true;
        worker.execute(() -> runWhileAsked(why));
      }
      return number;
    }
  }

  /** Asks for a re-check and waits for it: tests, and callers with nothing else to do. */
  public LostStartRecheck.Result recheckNow(String why) throws InterruptedException {
    long number = request(why);
    synchronized (lock) {
      while (completed < number) {
        lock.wait();
      }
      return lastResult;
    }
  }

  public Status status() {
    synchronized (lock) {
      return new Status(running, requested, completed, lastResult);
    }
  }

  /** The last re-check's result, or null before the first. */
  public LostStartRecheck.Result lastResult() {
    synchronized (lock) {
      return lastResult;
    }
  }

  private void runWhileAsked(String firstReason) {
    String why = firstReason;
    while (true) {
      long covers;
      synchronized (lock) {
        covers = requested;
      }
      LostStartRecheck.Result result = LostStartRecheck.Result.NOTHING;
      try {
        result = recheckInRounds(why);
      } catch (InterruptedException stopping) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException bug) {
        log.error("re-checking open calls ({}) failed", why, bug);
      }
      synchronized (lock) {
        completed = covers;
        lastResult = result;
        lock.notifyAll();
        if (again == null || Thread.currentThread().isInterrupted()) {
          running = false;
          return;
        }
        why = again;
        again = null;
      }
    }
  }

  private LostStartRecheck.Result recheckInRounds(String why) throws InterruptedException {
    log.info("{}: re-checking open calls against the target as it answers now", why);
    long began = System.nanoTime();
    LostStartRecheck.Result result = recheck.get();
    int missing = result.missing();
    Duration pause = firstPause;
    for (int round = 0; round < EXTRA_ROUNDS && result.unreadable() > 0; round++) {
      log.info(
          "{}; checking again in {} s", result.describe(), Math.max(1, pause.toMillis() / 1000));
      Thread.sleep(pause.toMillis());
      pause = pause.multipliedBy(2);
      result = recheck.get();
      missing += result.missing();
    }
    rechecks.increment();
    reissued.increment(missing);
    LostStartRecheck.Result overall =
        new LostStartRecheck.Result(result.checked(), missing, result.unreadable());
    log.info(
        "{} in {} ms{}",
        overall.describe(),
        Duration.ofNanos(System.nanoTime() - began).toMillis(),
        overall.unreadable() > 0
            ? "; the unreadable ones are left to their follows, or in the callback mode to the"
                + " calling side's backstop"
            : "");
    return overall;
  }

  @Override
  public void close() {
    if (watch != null) {
      watch.close();
    }
    worker.shutdownNow();
  }
}
