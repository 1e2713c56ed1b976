package io.xcluster.port.remote;

import io.temporal.client.WorkflowNotFoundException;
import io.xcluster.port.call.CallRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The repair after a failover: asks the target, as it answers now, whether each open call's remote
 * run is there. A run that is not had its start in the replication window a forced failover lost;
 * the transport lets go of its follow ({@code onMissing}), the call is asked again, and its start
 * under the call id issues the run anew — where the run does exist, REJECT_DUPLICATE attaches to it
 * instead, so an outcome already produced is read, never produced twice.
 */
public final class LostStartRecheck {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(LostStartRecheck.class);

  /** Describes in flight at once: a few hundred calls a second on a LAN, without a storm. */
  static final int PARALLEL = 8;

  /**
   * How a re-check went: {@code unreadable} counts the calls it could not settle, either read or
   * issue again; a next round takes them up.
   */
  public record Result(int checked, int missing, int unreadable) {

    public static final Result NOTHING = new Result(0, 0, 0);

    /** Both re-checks together. */
    public Result plus(Result other) {
      return new Result(
          checked + other.checked, missing + other.missing, unreadable + other.unreadable);
    }

    public String describe() {
      return checked
          + " open calls re-checked: "
          + missing
          + " without their remote run (re-issued under their call ids), "
          + unreadable
          + " unreadable or not yet re-issued";
    }
  }

  private LostStartRecheck() {}

  /**
   * Checks each of {@code calls} on {@code remote}; those whose run does not exist go to {@code
   * onMissing}. Returns when all are checked.
   */
  public static <T> Result recheck(
      Collection<T> calls,
      Function<T, CallRequest> requestOf,
      RemoteRuns remote,
      Consumer<T> onMissing) {
    List<T> snapshot = List.copyOf(calls);
    if (snapshot.isEmpty()) {
      return Result.NOTHING;
    }
    AtomicInteger checked = new AtomicInteger();
    AtomicInteger missing = new AtomicInteger();
    AtomicInteger unreadable = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(PARALLEL, snapshot.size()),
            runnable -> {
              Thread thread = new Thread(runnable, "lost-start-recheck");
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<Future<?>> checks = new ArrayList<>();
      for (T call : snapshot) {
        checks.add(
            pool.submit(
                () -> {
                  try {
                    remote.attach(requestOf.apply(call)).describe();
                  } catch (WorkflowNotFoundException lost) {
                    // one that could not be let go of (the new active side still refusing the
                    // start) is read again in the next round, like one that could not be read
                    (letGo(call, onMissing) ? missing : unreadable).incrementAndGet();
                  } catch (RuntimeException cannotTell) {
                    // an outage, or the run is being failed over right now: read again later
                    unreadable.incrementAndGet();
                  }
                  checked.incrementAndGet();
                }));
      }
      for (Future<?> check : checks) {
        check.get();
      }
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException bug) {
      throw new IllegalStateException("re-checking open calls failed", bug.getCause());
    } finally {
      pool.shutdownNow();
    }
    return new Result(checked.get(), missing.get(), unreadable.get());
  }

  /**
   * Lets go of one call; false if that failed. One call's failure must not stop the others'
   * re-check.
   */
  private static <T> boolean letGo(T call, Consumer<T> onMissing) {
    try {
      onMissing.accept(call);
      return true;
    } catch (RuntimeException failed) {
      log.warn(
          "a call whose remote run is missing could not be issued again ({}); it is read again in"
              + " the next round",
          failed.toString());
      return false;
    }
  }
}
