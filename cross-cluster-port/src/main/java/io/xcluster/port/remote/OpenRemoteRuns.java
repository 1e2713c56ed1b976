package io.xcluster.port.remote;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.xcluster.port.spi.TransportMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code xcluster_remote_runs_open{transport, destination, workflow_type}}: how many runs of each
 * workflow type this transport starts are open in the destination namespace now — whoever started
 * them: visibility cannot tell — as the target's own visibility counts them every {@value
 * #EVERY_SECONDS} s. The one figure of open calls that survives restarts and replicas (each replica
 * reports the same count: take the max), and that the callback mode, which holds nothing, has at
 * all. A type is counted once a call of it passed this process (the relay also knows its allowed
 * types up front); a target whose visibility cannot count leaves the gauge out.
 */
public final class OpenRemoteRuns implements OpenRunCount, AutoCloseable {

  static final long EVERY_SECONDS = 30;
  static final int MAX_TYPES = 16;

  private static final Logger log = LoggerFactory.getLogger(OpenRemoteRuns.class);
  private static final Pattern WORKFLOW_TYPE = Pattern.compile("[A-Za-z0-9_.-]{1,200}");

  private final WorkflowClient target;
  private final TransportMetrics metrics;
  private final Map<String, AtomicLong> counted = new ConcurrentHashMap<>();
  private final ScheduledExecutorService counter =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "open-remote-runs");
            thread.setDaemon(true);
            return thread;
          });
  private volatile boolean cannotCount;
  private final AtomicBoolean failing = new AtomicBoolean();
  private final Map<String, Long> askedAtNanos = new ConcurrentHashMap<>();
  private final long everyMillis;
  private volatile BooleanSupplier skip = () -> false;

  public OpenRemoteRuns(WorkflowClient target, TransportMetrics metrics) {
    this(target, metrics, Duration.ofSeconds(EVERY_SECONDS));
  }

  /**
   * @param every how often to count: a cap on open calls ({@link
   *     io.xcluster.port.protection.DestinationLimits}) needs a fresher figure than a dashboard
   */
  public OpenRemoteRuns(WorkflowClient target, TransportMetrics metrics, Duration every) {
    this.target = target;
    this.metrics = metrics;
    this.everyMillis = every.toMillis();
  }

  /**
   * Skips counting while {@code condition} holds: an open circuit breaker sends the target nothing
   * but its probes, this count included.
   */
  public void skipWhile(BooleanSupplier condition) {
    this.skip = condition;
  }

  @Override
  public Optional<Count> lastCount() {
    long open = 0;
    boolean any = false;
    for (AtomicLong value : counted.values()) {
      long v = value.get();
      if (v >= 0) {
        open += v;
        any = true;
      }
    }
    // the sum is as old as the oldest of its counts
    long asked = askedAtNanos.values().stream().mapToLong(Long::longValue).min().orElse(0);
    return any && !cannotCount ? Optional.of(new Count(open, asked)) : Optional.empty();
  }

  @Override
  public boolean cannotCount() {
    return cannotCount;
  }

  /** Counts {@code workflowType}'s open runs from now on (a no-op for one already counted). */
  public void watch(String workflowType) {
    if (cannotCount
        || counted.containsKey(workflowType)
        || counted.size() >= MAX_TYPES
        || !WORKFLOW_TYPE.matcher(workflowType).matches()) {
      return;
    }
    if (counted.putIfAbsent(workflowType, new AtomicLong(-1)) == null) {
      try {
        counter.scheduleWithFixedDelay(
            () -> count(workflowType), 0, everyMillis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closed) {
        // stopping: a call that started meanwhile must not fail for want of a count
      }
    }
  }

  private void count(String workflowType) {
    if (cannotCount || skip.getAsBoolean()) {
      return;
    }
    AtomicLong value = counted.get(workflowType);
    long asked = System.nanoTime();
    try {
      long open =
          target
              .countWorkflows(
                  "WorkflowType = '" + workflowType + "' AND ExecutionStatus = 'Running'")
              .getCount();
      askedAtNanos.put(workflowType, asked);
      if (value.getAndSet(open) < 0) {
        metrics.gauge(
            "xcluster.remote.runs.open",
            "runs this transport starts that are open on the target cluster",
            value,
            "workflow_type",
            workflowType);
      }
      failing.set(false);
    } catch (StatusRuntimeException refused) {
      if (refused.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        cannotCount = true;
        log.info("the target cluster cannot count workflows; xcluster_remote_runs_open stays out");
      } else {
        unreadable(workflowType, refused);
      }
    } catch (RuntimeException unreachable) {
      unreadable(workflowType, unreachable);
    }
  }

  /** The last count stays; said once per streak, so a refused query does not pass unnoticed. */
  private void unreadable(String workflowType, RuntimeException failed) {
    if (failing.compareAndSet(false, true)) {
      log.warn(
          "cannot count the open {} runs on the target (the last count stays): {}",
          workflowType,
          failed.toString());
    }
  }

  @Override
  public void close() {
    counter.shutdownNow();
  }
}
