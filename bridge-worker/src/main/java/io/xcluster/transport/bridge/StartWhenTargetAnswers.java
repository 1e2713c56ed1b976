package io.xcluster.transport.bridge;

import io.temporal.worker.WorkerFactory;
import io.xcluster.port.spi.TransportMetrics;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the bridge's workers on the target cluster (they take its remote runs' progress reports)
 * once the target answers. {@code WorkerFactory.start()} describes the namespace first, so a target
 * that is down when the bridge starts would hold the bridge's start-up: instead it is tried on a
 * thread of its own, again every {@link #RETRY_PAUSE} until it succeeds or the bridge stops.
 * Meanwhile the reports wait in the target's queue, and nothing else of the bridge waits.
 */
final class StartWhenTargetAnswers implements AutoCloseable {

  /** Pause between attempts while the target does not answer. */
  static final Duration RETRY_PAUSE = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(StartWhenTargetAnswers.class);

  private final WorkerFactory workers;
  private final String target;
  private final Thread thread;
  private volatile boolean started;
  private volatile boolean closed;

  private StartWhenTargetAnswers(WorkerFactory workers, String target) {
    this.workers = workers;
    this.target = target;
    this.thread = new Thread(this::startWhenAnswering, "start-workers-on-" + target);
    thread.setDaemon(true);
  }

  /** Starts {@code workers}, a factory of the connection to {@code target}, as soon as it can. */
  static StartWhenTargetAnswers start(WorkerFactory workers, String target) {
    StartWhenTargetAnswers starting = new StartWhenTargetAnswers(workers, target);
    starting.thread.start();
    return starting;
  }

  /** Whether the workers poll (the target answered once). */
  boolean started() {
    return started;
  }

  private void startWhenAnswering() {
    String lastProblem = null;
    for (int tried = 1; !closed; tried++) {
      try {
        workers.start();
        started = true;
        if (tried > 1) {
          log.info("{} answers: its workers poll now (attempt {})", target, tried);
        }
        return;
      } catch (IllegalStateException shutDown) {
        return; // the bridge stopped first
      } catch (RuntimeException notAnswering) {
        String problem = TransportMetrics.briefly(notAnswering);
        if (!problem.equals(lastProblem)) {
          log.warn(
              "cannot start the workers on {} yet ({}); trying again every {} s, progress reports"
                  + " wait in its queue meanwhile",
              target,
              problem,
              RETRY_PAUSE.toSeconds());
          lastProblem = problem;
        }
      }
      try {
        Thread.sleep(RETRY_PAUSE.toMillis());
      } catch (InterruptedException stopping) {
        return;
      }
    }
  }

  /** Gives up starting (the caller shuts the workers down). */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
