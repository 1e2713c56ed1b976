package io.xcluster.port.cluster;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run one connection's gRPC callbacks: the answers to asynchronous calls, such as
 * the long polls behind {@code getResultAsync} that a transport keeps open for every call.
 *
 * <p>Without this, gRPC runs them on its shared default executor, a cached pool that adds a thread
 * whenever every thread is busy and keeps it for a minute: a burst of 10,000 answers (every held
 * fulfillment reporting its first stage) left 79 threads in the NATS coordinator while nothing was
 * happening. The callbacks do no blocking work (the transports move theirs to their own executors),
 * so a few threads keep up; the rest wait in the queue. Idle threads end after {@link
 * #IDLE_SECONDS} seconds, so a closed connection leaves no thread behind.
 */
final class GrpcCallbackThreads {

  /** Enough for callbacks that only hand work on; twice the cores, at least 8. */
  static final int SIZE = Math.max(8, 2 * Runtime.getRuntime().availableProcessors());

  static final long IDLE_SECONDS = 10;

  private GrpcCallbackThreads() {}

  static Executor forCluster(String cluster) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            SIZE,
            SIZE,
            IDLE_SECONDS,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            named("grpc-callbacks-" + cluster + "-"));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger next = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + next.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
