package io.xcluster.port.remote;

import io.temporal.client.WorkflowClient;
import io.xcluster.port.spi.TransportMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code xcluster_remote_runs_open{transport, destination, workflow_type}}: how many runs of each
 * workflow type this transport starts are open on the target cluster now, as the target's own
 * visibility counts them every {@value #EVERY_SECONDS} s. The one figure of open calls that
 * survives restarts and replicas (each replica reports the same count: take the max), and that the
 * callback mode, which holds nothing, has at all. A type is counted once a call of it passed this
 * process (the relay also knows its allowed types up front); a target whose visibility cannot count
 * leaves the gauge out.
 */
public final class OpenRemoteRuns implements AutoCloseable {

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

  public OpenRemoteRuns(WorkflowClient target, TransportMetrics metrics) {
    this.target = target;
    this.metrics = metrics;
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
      counter.scheduleWithFixedDelay(() -> count(workflowType), 0, EVERY_SECONDS, TimeUnit.SECONDS);
    }
  }

  private void count(String workflowType) {
    if (cannotCount) {
      return;
    }
    AtomicLong value = counted.get(workflowType);
    try {
      long open =
          target
              .countWorkflows(
                  "WorkflowType = '" + workflowType + "' AND ExecutionStatus = 'Running'")
              .getCount();
      if (value.getAndSet(open) < 0) {
        metrics.gauge(
            "xcluster.remote.runs.open",
            "runs this transport starts that are open on the target cluster",
            value,
            "workflow_type",
            workflowType);
      }
    } catch (io.grpc.StatusRuntimeException unimplemented) {
      if (unimplemented.getStatus().getCode() == io.grpc.Status.Code.UNIMPLEMENTED) {
        cannotCount = true;
        log.info("the target cluster cannot count workflows; xcluster_remote_runs_open stays out");
      }
    } catch (RuntimeException unreachable) {
      // keep the last count: an outage is logged and counted where calls fail
      log.debug("cannot count open {} runs: {}", workflowType, unreachable.toString());
    }
  }

  /** For tests: the last count of {@code workflowType}, -1 before the first. */
  public long lastCount(String workflowType) {
    AtomicLong value = counted.get(workflowType);
    return value == null ? -1 : value.get();
  }

  @Override
  public void close() {
    counter.shutdownNow();
  }

  /** How often counts are taken. */
  public static Duration interval() {
    return Duration.ofSeconds(EVERY_SECONDS);
  }
}
