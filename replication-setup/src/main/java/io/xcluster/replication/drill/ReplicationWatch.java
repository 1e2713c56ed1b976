package io.xcluster.replication.drill;

import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Measures replication lag while the workflows are still being started: a thread sweeps the standby
 * for every workflow started but not yet seen there, so each lag runs from that workflow's start on
 * the active cluster to its first successful read on the standby — not from the end of the start
 * loop.
 */
final class ReplicationWatch implements AutoCloseable {

  private static final Duration SWEEP_PAUSE = Duration.ofMillis(20);

  private final WorkflowClient standby;
  private final Map<String, Long> unseen = new ConcurrentHashMap<>();
  private final List<Duration> lags = new CopyOnWriteArrayList<>();
  private final Thread sweeper;
  private volatile boolean closed;

  ReplicationWatch(WorkflowClient standby) {
    this.standby = standby;
    this.sweeper = new Thread(this::sweep, "replication-watch");
    sweeper.setDaemon(true);
    sweeper.start();
  }

  /**
   * Starts watching for {@code workflowId}, started on the active cluster at {@code startedNanos}.
   */
  void watch(String workflowId, long startedNanos) {
    unseen.put(workflowId, startedNanos);
  }

  boolean allSeen() {
    return unseen.isEmpty();
  }

  List<Duration> lags() {
    return List.copyOf(lags);
  }

  private void sweep() {
    while (!closed) {
      for (Map.Entry<String, Long> entry : unseen.entrySet()) {
        if (readable(entry.getKey())) {
          lags.add(Duration.ofNanos(System.nanoTime() - entry.getValue()));
          unseen.remove(entry.getKey());
        }
      }
      try {
        Thread.sleep(SWEEP_PAUSE.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private boolean readable(String workflowId) {
    try {
      standby.newUntypedWorkflowStub(workflowId).describe();
      return true;
    } catch (RuntimeException notThereYet) {
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    sweeper.interrupt();
  }
}
