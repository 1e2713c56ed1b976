package io.xcluster.region.euwest.fulfillment.warehouse;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The simulated warehouse's and carrier's own side: a job runs once per idempotency key and takes
 * the step delay, whatever happens to the activity attempt that asked for it — as a real system
 * keeps picking when the caller's connection drops. Asking again with the same key (a retried
 * attempt) joins the running job or gets its result at once.
 */
public final class SimulatedJobs {

  /**
   * Finishes jobs when their time is up; its own thread, so a busy common pool never delays them.
   */
  private static final ScheduledExecutorService CLOCK =
      Executors.newSingleThreadScheduledExecutor(
          work -> {
            Thread thread = new Thread(work, "simulated-jobs");
            thread.setDaemon(true);
            return thread;
          });

  private final Map<String, CompletableFuture<?>> jobs = new ConcurrentHashMap<>();
  private final AtomicInteger started = new AtomicInteger();
  private final Executor afterDelay;

  public SimulatedJobs(Duration stepDelay) {
    this.afterDelay =
        stepDelay.isZero()
            ? Runnable::run
            : CompletableFuture.delayedExecutor(stepDelay.toMillis(), TimeUnit.MILLISECONDS, CLOCK);
  }

  /** The job under {@code idempotencyKey}: started now if it is new, else the one already known. */
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> runOnce(String idempotencyKey, Supplier<T> result) {
    return (CompletableFuture<T>)
        jobs.computeIfAbsent(
            idempotencyKey,
            key -> {
              started.incrementAndGet();
              return CompletableFuture.supplyAsync(result, afterDelay);
            });
  }

  /**
   * How many distinct jobs were started: a retried step that ran its work again would count twice.
   */
  public int started() {
    return started.get();
  }
}
