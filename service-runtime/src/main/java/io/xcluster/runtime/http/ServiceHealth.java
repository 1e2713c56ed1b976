package io.xcluster.runtime.http;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Liveness and readiness of one process. Live while the process runs; ready once every named check
 * passes (a cluster answers its health check, NATS is connected) and until shutdown begins, so a
 * load balancer stops sending work before the workers drain.
 */
public final class ServiceHealth {

  /** Checks run at most this often; probes arrive every few seconds from every kubelet. */
  private static final Duration CHECK_CACHE = Duration.ofSeconds(1);

  /** How long a readiness request waits for an observed check before reporting its last state. */
  private static final Duration OBSERVE_WAIT = Duration.ofMillis(500);

  /** Runs observed checks; at most one in flight per check, so as many threads as checks hang. */
  private static final ExecutorService OBSERVERS =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "readiness-observer");
            thread.setDaemon(true);
            return thread;
          });

  private final Map<String, BooleanSupplier> checks = new ConcurrentHashMap<>();
  private final Map<String, Supplier<String>> details = new ConcurrentHashMap<>();
  private volatile boolean started;
  private volatile boolean stopping;
  private volatile long checkedAtNanos;
  private volatile Map<String, Boolean> lastResults = Map.of();

  /** Adds a readiness check, e.g. {@code "cluster us-east"}. */
  public void require(String name, BooleanSupplier check) {
    checks.put(name, check);
    checkedAtNanos = 0; // a replaced check is asked afresh, not answered from the cache
  }

  /**
   * Adds a line to the readiness details that does not decide readiness, e.g. {@code "breaker
   * eu-west/fulfillment"}: an open circuit breaker is the destination's trouble, and restarting
   * this process would not mend it.
   */
  public void inform(String name, Supplier<String> detail) {
    details.put(name, detail);
  }

  /**
   * Reports {@code check} in the readiness details as {@code "up"} or {@code "down"} without
   * letting it decide readiness, e.g. {@code "cluster eu-west"} for a bridge: the cluster it sends
   * work to is the destination's trouble when it is down, and a bridge taken out of service would
   * not mend it. Asked at most once a second, like the checks.
   */
  public void observe(String name, BooleanSupplier check) {
    observe(name, check, null);
  }

  /**
   * As {@link #observe(String, BooleanSupplier)}, for a check that has not passed yet: until it
   * first passes it is reported as {@code untilFirstUp} (e.g. {@code "connecting"} for a cluster
   * that was down at start-up), then as {@code "up"} or {@code "down"}.
   */
  public void observe(String name, BooleanSupplier check, String untilFirstUp) {
    ObservedCheck observed = new ObservedCheck(check, untilFirstUp);
    inform(name, observed::state);
  }

  /** The details' current values, by name. */
  public Map<String, String> details() {
    Map<String, String> current = new java.util.TreeMap<>();
    details.forEach(
        (name, detail) -> {
          try {
            current.put(name, String.valueOf(detail.get()));
          } catch (RuntimeException unreadable) {
            current.put(name, "unknown: " + unreadable);
          }
        });
    return current;
  }

  /** Everything is set up; readiness now depends on the checks only. */
  public void started() {
    started = true;
    checkedAtNanos = 0;
  }

  /** Shutdown began: not ready from now on. */
  public void stopping() {
    stopping = true;
  }

  public boolean isStopping() {
    return stopping;
  }

  /** The state as the readiness endpoint reports it. */
  public Readiness readiness() {
    if (stopping) {
      return new Readiness(false, "stopping", lastResults);
    }
    if (!started) {
      return new Readiness(false, "starting", run());
    }
    Map<String, Boolean> results = run();
    boolean ready = results.values().stream().allMatch(Boolean::booleanValue);
    return new Readiness(ready, ready ? "ready" : "a dependency is down", results);
  }

  private synchronized Map<String, Boolean> run() {
    long now = System.nanoTime();
    if (now - checkedAtNanos < CHECK_CACHE.toNanos() && lastResults.size() == checks.size()) {
      return lastResults;
    }
    Map<String, Boolean> results = new LinkedHashMap<>();
    checks.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            entry -> {
              boolean up;
              try {
                up = entry.getValue().getAsBoolean();
              } catch (RuntimeException e) {
                up = false;
              }
              results.put(entry.getKey(), up);
            });
    lastResults = Map.copyOf(results);
    checkedAtNanos = now;
    return results;
  }

  /**
   * An observed check: asked at most once per {@link #CHECK_CACHE}, on a thread of its own, and
   * waited for at most {@link #OBSERVE_WAIT}; a check that throws has failed. A cluster that does
   * not answer at all (packets dropped) can hold a health check for seconds, longer than a
   * readiness probe's timeout: the probe then gets the last known state instead, so a detail never
   * makes the process look unready.
   */
  private static final class ObservedCheck {
    private final BooleanSupplier check;
    private final String untilFirstUp;
    private CompletableFuture<Boolean> refresh; // guarded by this
    private long startedAtNanos; // guarded by this
    private volatile Boolean last;
    private volatile boolean everUp;

    ObservedCheck(BooleanSupplier check, String untilFirstUp) {
      this.check = check;
      this.untilFirstUp = untilFirstUp;
    }

    String state() {
      CompletableFuture<Boolean> current;
      synchronized (this) {
        long now = System.nanoTime();
        if (refresh == null
            || (refresh.isDone() && now - startedAtNanos >= CHECK_CACHE.toNanos())) {
          startedAtNanos = now;
          refresh = CompletableFuture.supplyAsync(this::ask, OBSERVERS);
        }
        current = refresh;
      }
      try {
        current.get(OBSERVE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillAsking) {
        // the last known state below
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException unexpected) {
        // ask() catches what the check throws; nothing else is expected
      }
      Boolean known = last;
      if (untilFirstUp != null && !everUp) {
        return untilFirstUp;
      }
      return known == null ? "unknown" : known ? "up" : "down";
    }

    private boolean ask() {
      boolean up;
      try {
        up = check.getAsBoolean();
      } catch (RuntimeException e) {
        up = false;
      }
      last = up;
      if (up) {
        everUp = true;
      }
      return up;
    }
  }

  /**
   * @param checks each check's name and whether it passed
   */
  public record Readiness(boolean ready, String status, Map<String, Boolean> checks) {}
}
