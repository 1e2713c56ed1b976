package io.xcluster.port.activity;

import io.temporal.activity.Activity;
import io.temporal.client.ActivityCanceledException;
import io.temporal.failure.TimeoutFailure;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Inside an activity: waits for work another system does (a warehouse pick, a gateway charge),
 * heartbeating while it waits. The heartbeat is what lets Temporal notice a lost attempt — its
 * result lost with a server connection, its worker gone — within the heartbeat timeout, and what
 * tells the attempt that it was canceled or timed out. The work itself belongs to the other system
 * and goes on; a retried attempt asks for it again by its idempotency key and finds it.
 */
public final class HeartbeatingWait {

  /** How often the waiting attempt heartbeats; the SDK throttles what it sends to the server. */
  static final Duration BEAT = Duration.ofSeconds(1);

  /** What the attempt does when Temporal asks it to stop because the caller canceled. */
  public enum OnCancel {
    /** Stop waiting and report canceled (the usual case). */
    STOP,
    /**
     * Keep waiting and report the result: work that cannot be recalled (a charge) must be known to
     * be compensated.
     */
    FINISH
  }

  private HeartbeatingWait() {}

  /**
   * The work's result once it is done; its failure as it is if it fails (application failures keep
   * their type). Throws the SDK's {@code ActivityCompletionException} when the attempt ended (timed
   * out, canceled unless {@link OnCancel#FINISH}, worker shutting down).
   */
  public static <T> T await(CompletableFuture<T> work, OnCancel onCancel) {
    while (true) {
      try {
        return work.get(BEAT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillWorking) {
        beat(onCancel);
      } catch (ExecutionException failed) {
        if (failed.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new IllegalStateException(failed.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting", e);
      }
    }
  }

  private static void beat(OnCancel onCancel) {
    try {
      Activity.getExecutionContext().heartbeat(null);
    } catch (ActivityCanceledException canceled) {
      // a local heartbeat timeout also arrives as "canceled": that attempt is dead either way
      boolean timedOut = canceled.getCause() instanceof TimeoutFailure;
      if (onCancel == OnCancel.STOP || timedOut) {
        throw canceled;
      }
      // FINISH: the SDK keeps sending heartbeats on each call, so the server keeps this attempt
      // alive
    }
  }
}
