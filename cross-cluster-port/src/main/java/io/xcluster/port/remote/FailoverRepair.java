package io.xcluster.port.remote;

import io.micrometer.core.instrument.Counter;
import io.temporal.client.WorkflowClient;
import io.xcluster.port.spi.TransportMetrics;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-checks a transport's open calls when the target namespace fails over, and whenever an operator
 * asks: the repair for starts a forced failover lost ({@link LostStartRecheck}). One re-check runs
 * at a time; a failover seen during one is re-checked after it.
 */
public final class FailoverRepair implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FailoverRepair.class);

  private final Supplier<LostStartRecheck.Result> recheck;
  private final Counter reissued;
  private final Counter rechecks;
  private final NamespaceFailoverWatch watch;
  private volatile LostStartRecheck.Result lastResult;

  private FailoverRepair(
      WorkflowClient target,
      Duration every,
      TransportMetrics metrics,
      Supplier<LostStartRecheck.Result> recheck) {
    this.recheck = recheck;
    this.reissued =
        metrics.counter(
            "xcluster.calls.reissued",
            "open calls whose remote run was missing on a re-check after a failover (a start the"
                + " failover lost), asked again under their call ids");
    this.rechecks =
        metrics.counter("xcluster.calls.rechecks", "re-checks of open calls (failovers and asks)");
    this.watch =
        NamespaceFailoverWatch.start(
            target, every, failedOver -> recheckNow(failedOver.describe()));
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
    return new FailoverRepair(target, every, metrics, recheck);
  }

  /** Re-checks every open call now, saying {@code why} in the log; returns how it went. */
  public synchronized LostStartRecheck.Result recheckNow(String why) {
    log.info("{}: re-checking open calls against the target as it answers now", why);
    long began = System.nanoTime();
    LostStartRecheck.Result result = recheck.get();
    rechecks.increment();
    reissued.increment(result.missing());
    lastResult = result;
    log.info(
        "{} in {} ms", result.describe(), Duration.ofNanos(System.nanoTime() - began).toMillis());
    return result;
  }

  /** The last re-check's result, or null before the first. */
  public LostStartRecheck.Result lastResult() {
    return lastResult;
  }

  /** The namespace's active cluster as last read, or null before the first answer. */
  public NamespaceFailoverWatch.Activation activation() {
    return watch.last();
  }

  @Override
  public void close() {
    watch.close();
  }
}
