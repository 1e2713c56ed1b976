package io.xcluster.runtime.lifecycle;

import io.temporal.worker.WorkerFactory;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.cluster.ClusterUnreachableException;
import io.xcluster.port.cluster.ConnectionInterceptors;
import io.xcluster.runtime.config.ConfigException;
import io.xcluster.runtime.http.ServiceHealth;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one service process: connect to the clusters it needs (retrying while they are down,
 * so the process stays live and reports not-ready instead of crash-looping) and, without waiting,
 * to the ones it only sends work to ({@link #connectRemote}), then run until SIGTERM, and on
 * SIGTERM stop in order — not ready at once, workers stop polling and finish the activity and
 * workflow tasks they hold (up to the grace period), then connections close.
 */
public final class ServiceProcess {

  /** Pause between connection attempts while a cluster is down. */
  static final Duration RETRY_PAUSE = Duration.ofSeconds(5);

  private final String name;
  private final Duration shutdownGrace;
  private final Logger log;
  private final ServiceHealth health = new ServiceHealth();
  private final StopSequence stops;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopRequested;
  private volatile Thread mainThread;

  public ServiceProcess(String name, Duration shutdownGrace) {
    this.name = name;
    this.shutdownGrace = shutdownGrace;
    this.log = LoggerFactory.getLogger(name);
    this.stops = new StopSequence(problem -> log.warn(problem));
  }

  /**
   * From here on SIGTERM stops this process in order; {@code main} is woken if it is still
   * connecting.
   */
  public void handleSigterm() {
    mainThread = Thread.currentThread();
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, name + "-shutdown"));
  }

  public ServiceHealth health() {
    return health;
  }

  public Logger log() {
    return log;
  }

  /**
   * Connects to {@code endpoint}, trying again every few seconds while it does not answer; the
   * connection becomes a readiness check and is closed last on stop.
   *
   * @throws StopRequestedException when SIGTERM arrives before the cluster answers
   */
  public ClusterConnection connect(
      ClusterEndpoint endpoint, Duration attemptTimeout, ConnectionInterceptors interceptors) {
    String check = "cluster " + endpoint.name();
    health.require(check, () -> false);
    ClusterConnection connection =
        retryWhileUnreachable(
            () ->
                settingToFix(() -> ClusterConnection.open(endpoint, attemptTimeout, interceptors)),
            ClusterUnreachableException.class);
    health.require(check, connection::isServing);
    onStop(connection);
    log.info("connected to cluster {}", endpoint.describe());
    return connection;
  }

  /**
   * Connects to a cluster this process sends work to but does not itself need to be of use (a
   * bridge's target), without waiting for it: it is reported in the readiness details and never
   * decides readiness. When it is down the calls wait for it (retried, held back by the breaker);
   * taking this process out of service would not bring it back, and on Kubernetes every replica
   * would go unready at once — also when they start (a rollout) during its outage.
   *
   * <p>One attempt to reach it, of at most {@code attemptTimeout}: if it answers, the connection is
   * live and a refused TLS handshake stops start-up naming the setting, as {@link #connect} does.
   * If it does not answer, the connection returned has not dialled yet and connects on first use;
   * the details say {@code "cluster eu-west": "connecting"} until it first answers, then {@code
   * "up"} or {@code "down"}. Requests made through it meanwhile fail as unreachable (retryable), so
   * whatever needs the cluster at start (a worker factory's {@code start()}) must wait for it
   * itself.
   *
   * @throws ConfigException when the TLS files cannot be used, or the cluster refused the TLS
   *     handshake
   */
  public ClusterConnection connectRemote(
      ClusterEndpoint endpoint, Duration attemptTimeout, ConnectionInterceptors interceptors) {
    String check = "cluster " + endpoint.name();
    health.inform(check, () -> "connecting");
    ClusterConnection connection;
    boolean answered;
    try {
      connection =
          settingToFix(() -> ClusterConnection.open(endpoint, attemptTimeout, interceptors));
      answered = true;
    } catch (ClusterUnreachableException notYet) {
      log.warn(
          "{}; starting without it: calls to {} wait (retried) until it answers",
          notYet.getMessage(),
          endpoint.name());
      connection =
          settingToFix(() -> ClusterConnection.openLazily(endpoint, attemptTimeout, interceptors));
      answered = false;
    }
    health.observe(check, connection::isServing, answered ? null : "connecting");
    onStop(connection);
    if (answered) {
      log.info("connected to cluster {}", endpoint.describe());
    }
    return connection;
  }

  /**
   * Unusable TLS files, or a TLS handshake the cluster refused: a setting to fix, which stops
   * start-up with one line ({@code ClusterConnection} says which setting), never an outage to wait
   * out.
   */
  private static ClusterConnection settingToFix(Supplier<ClusterConnection> opening) {
    try {
      return opening.get();
    } catch (IllegalArgumentException unusableTls) {
      throw new ConfigException(unusableTls.getMessage(), unusableTls);
    }
  }

  /**
   * Runs {@code attempt} until it succeeds, every few seconds while it fails with {@code
   * unreachable} (logged, one line per attempt): a dependency that is down at start-up keeps the
   * process live and not ready rather than crash-looping.
   *
   * @throws StopRequestedException when SIGTERM arrives first
   */
  public <T> T retryWhileUnreachable(
      Supplier<T> attempt, Class<? extends RuntimeException> unreachable) {
    for (int tried = 1; ; tried++) {
      if (stopRequested) {
        throw new StopRequestedException();
      }
      try {
        return attempt.get();
      } catch (RuntimeException failed) {
        if (!unreachable.isInstance(failed)) {
          throw failed;
        }
        if (stopRequested) {
          throw new StopRequestedException();
        }
        log.warn(
            "{} (attempt {}); trying again in {} s — not ready until it answers",
            failed.getMessage(),
            tried,
            RETRY_PAUSE.toSeconds());
        sleep(RETRY_PAUSE);
      }
    }
  }

  /**
   * Registers {@code step} to run on stop, before everything registered earlier; after stop began,
   * runs it now.
   */
  public synchronized void onStop(AutoCloseable step) {
    if (stopRequested) {
      try {
        step.close();
      } catch (Exception e) {
        log.warn("while stopping: {}", e.toString());
      }
      throw new StopRequestedException();
    }
    stops.add(step);
  }

  /**
   * On stop, {@code workers} stop polling and finish what they hold, for up to the grace period;
   * what is still running then is cut off (Temporal retries it elsewhere: nothing is lost).
   */
  public void drainOnStop(String what, WorkerFactory workers) {
    onStop(
        () -> {
          long start = System.nanoTime();
          workers.shutdown();
          workers.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
          if (workers.isTerminated()) {
            log.info("{} drained in {} ms", what, (System.nanoTime() - start) / 1_000_000);
          } else {
            log.warn(
                "{} still busy after the {} s grace period; stopping now, Temporal retries the unfinished tasks",
                what,
                shutdownGrace.toSeconds());
            workers.shutdownNow();
          }
        });
  }

  /** Everything is up: reports ready and blocks until the process is told to stop. */
  public void runUntilStopped() {
    health.started();
    log.info("{} ready", name);
    boolean interrupted = Thread.interrupted();
    while (stopped.getCount() > 0) {
      try {
        stopped.await();
      } catch (InterruptedException e) {
        interrupted = true; // stop() wakes main; keep waiting until the stop sequence has run
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * What SIGTERM does (the shutdown hook calls it): not ready at once, then everything registered
   * stops, newest first. Public for a process embedded in another JVM's life, such as a test's.
   */
  public void stop() {
    synchronized (this) {
      stopRequested = true;
    }
    health.stopping();
    Thread main = mainThread;
    if (main != null) {
      main.interrupt(); // a main thread still connecting gives up; one waiting in runUntilStopped
      // is not affected
    }
    log.info(
        "stop requested: not ready any more; draining (grace {} s)", shutdownGrace.toSeconds());
    long start = System.nanoTime();
    synchronized (this) {
      stops.close();
    }
    log.info("{} stopped in {} ms", name, (System.nanoTime() - start) / 1_000_000);
    stopped.countDown();
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StopRequestedException();
    }
  }

  /** SIGTERM arrived while the process was still starting. */
  public static final class StopRequestedException extends RuntimeException {
    public StopRequestedException() {
      super("stopped while starting");
    }
  }
}
