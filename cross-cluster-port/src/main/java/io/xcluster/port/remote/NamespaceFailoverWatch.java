package io.xcluster.port.remote;

import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceResponse;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices when the target namespace fails over (planned or forced): its failover version, as the
 * target endpoint answers {@code DescribeNamespace}, moves on. One small read every {@code every};
 * a namespace that is not global never changes and costs nothing more. The first answer is the
 * baseline, not a failover; an unreachable target is simply asked again next time.
 */
public final class NamespaceFailoverWatch implements AutoCloseable {

  /** Checked this often unless told otherwise: well inside any replication lag worth repairing. */
  public static final Duration DEFAULT_EVERY = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(NamespaceFailoverWatch.class);

  /** Which cluster is active for the namespace, and under which failover version. */
  public record Activation(String activeCluster, long failoverVersion) {

    public Activation {
      Objects.requireNonNull(activeCluster, "activeCluster");
    }

    @Override
    public String toString() {
      return activeCluster + " (failover version " + failoverVersion + ")";
    }
  }

  /** A failover seen: from and to. */
  public record FailedOver(String namespace, Activation from, Activation to) {

    public String describe() {
      return "namespace "
          + namespace
          + " failed over: active "
          + from.activeCluster()
          + " -> "
          + to.activeCluster()
          + ", failover version "
          + from.failoverVersion()
          + " -> "
          + to.failoverVersion();
    }
  }

  private final String namespace;
  private final Supplier<Activation> read;
  private final Consumer<FailedOver> onFailover;
  private final ScheduledExecutorService scheduler;
  private volatile Activation last;
  private volatile String lastProblem;
  private volatile Duration every = DEFAULT_EVERY;

  private NamespaceFailoverWatch(
      String namespace,
      Supplier<Activation> read,
      Consumer<FailedOver> onFailover,
      ScheduledExecutorService scheduler) {
    this.namespace = namespace;
    this.read = read;
    this.onFailover = onFailover;
    this.scheduler = scheduler;
  }

  /**
   * Watches {@code target}'s namespace every {@code every}, telling {@code onFailover} once each.
   */
  public static NamespaceFailoverWatch start(
      WorkflowClient target, Duration every, Consumer<FailedOver> onFailover) {
    String namespace = target.getOptions().getNamespace();
    NamespaceFailoverWatch watch =
        new NamespaceFailoverWatch(
            namespace,
            () -> activationOf(target, namespace),
            onFailover,
            Executors.newSingleThreadScheduledExecutor(
                runnable -> {
                  Thread thread = new Thread(runnable, "failover-watch");
                  thread.setDaemon(true);
                  return thread;
                }));
    watch.every = every;
    long millis = Math.max(100, every.toMillis());
    watch.scheduler.scheduleWithFixedDelay(watch::check, 0, millis, TimeUnit.MILLISECONDS);
    return watch;
  }

  /** A watch that reads with {@code read} and checks only when told to: for tests. */
  static NamespaceFailoverWatch manual(
      String namespace, Supplier<Activation> read, Consumer<FailedOver> onFailover) {
    return new NamespaceFailoverWatch(namespace, read, onFailover, null);
  }

  /** Reads the namespace once and tells of a failover since the last read. */
  void check() {
    Activation now;
    try {
      now = read.get();
    } catch (RuntimeException unreachable) {
      String problem = briefly(unreachable);
      if (!problem.equals(lastProblem)) {
        // once per kind of problem: an outage passes, but e.g. PERMISSION_DENIED turns the
        // repair off until someone notices
        log.warn(
            "cannot read namespace {} to notice failovers ({}); asking again every {}",
            namespace,
            problem,
            every);
        lastProblem = problem;
      }
      return;
    } catch (Throwable bug) {
      log.error("reading namespace {} for failovers failed", namespace, bug);
      return; // a throwable escaping a scheduled task would cancel the watch
    }
    lastProblem = null;
    Activation before = last;
    if (before == null) {
      last = now;
      log.info(
          "namespace {}: {}",
          namespace,
          now.activeCluster().isEmpty() ? "not global (no failovers to watch)" : "active " + now);
    } else if (now.failoverVersion() != before.failoverVersion()
        || !now.activeCluster().equals(before.activeCluster())) {
      FailedOver failedOver = new FailedOver(namespace, before, now);
      log.warn("{}", failedOver.describe());
      try {
        onFailover.accept(failedOver);
        last = now;
      } catch (RuntimeException bug) {
        // the baseline stays: the next check sees the same failover and tries again
        log.error("reacting to the failover of namespace {} failed", namespace, bug);
      }
    }
  }

  private static String briefly(RuntimeException problem) {
    String message = String.valueOf(problem.getMessage());
    int colon = message.indexOf(':');
    return colon > 0 ? message.substring(0, colon) : message;
  }

  /** What was read last, or null before the first answer. */
  public Activation last() {
    return last;
  }

  private static Activation activationOf(WorkflowClient target, String namespace) {
    DescribeNamespaceResponse described =
        target
            .getWorkflowServiceStubs()
            .blockingStub()
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .describeNamespace(
                DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build());
    return new Activation(
        described.getReplicationConfig().getActiveClusterName(), described.getFailoverVersion());
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
