package io.xcluster.replication.drill;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.WorkerFactory;
import io.xcluster.replication.admin.ClusterAdmin;
import io.xcluster.replication.admin.GlobalNamespaceSpec;
import io.xcluster.replication.admin.NamespaceReplication;
import io.xcluster.replication.admin.ReplicationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The failover drill: a global namespace active in cluster A; N workflows started there, each
 * waiting for a signal; the replication lag until each is readable on B; failover to B, timed
 * until B accepts a write; the workers moved to B; every workflow signalled and finished on B;
 * failback to A, timed the same way.
 */
public final class FailoverDrill {

  /**
   * @param namespace the global namespace to drill on (registered, active in A, if it does not exist)
   * @param workflows how many workflows to start and finish
   * @param timeout how long each phase may take before the drill gives up on it
   */
  public record Settings(String namespace, int workflows, Duration timeout) {
    public Settings {
      if (workflows < 1) {
        throw new IllegalArgumentException("--workflows must be at least 1, was " + workflows);
      }
    }
  }

  static final String TASK_QUEUE = "replication-drill";
  private static final Duration POLL = Duration.ofMillis(50);

  private final ClusterAdmin a;
  private final ClusterAdmin b;
  private final Settings settings;
  private final Consumer<String> progress;

  public FailoverDrill(ClusterAdmin a, ClusterAdmin b, Settings settings, Consumer<String> progress) {
    this.a = a;
    this.b = b;
    this.settings = settings;
    this.progress = progress;
  }

  public DrillReport run() {
    String namespace = settings.namespace();
    prepareNamespace();
    WorkflowClient onA = client(a);
    WorkflowClient onB = client(b);
    WorkerFactory workersOnA = startWorkers(onA);
    WorkerFactory workersOnB = null;
    try {
      String runId = Long.toString(System.currentTimeMillis(), 36);
      Map<String, Long> startedAt = startWorkflows(onA, runId);
      List<Duration> lags = awaitReplication(onB, startedAt);

      progress.accept("failing " + namespace + " over to " + b.name() + " (request sent to " + b.name() + ")");
      long failoverStarted = System.nanoTime();
      b.failover(namespace, b.name());
      await("failover: " + b.name() + " accepts writes", () -> accepted(onB, "drill-" + runId + "-failover-probe"));
      Duration failoverTime = Duration.ofNanos(System.nanoTime() - failoverStarted);
      progress.accept(b.name() + " accepts writes " + failoverTime.toMillis() + " ms after the request; moving the workers");

      workersOnA.shutdown();
      workersOnA.awaitTermination(30, TimeUnit.SECONDS);
      workersOnB = startWorkers(onB);

      List<String> unfinished = finishAll(onB, startedAt);
      progress.accept("failing back to " + a.name());
      long failbackStarted = System.nanoTime();
      a.failover(namespace, a.name());
      await("failback: " + a.name() + " accepts writes", () -> accepted(onA, "drill-" + runId + "-failback-probe"));
      Duration failbackTime = Duration.ofNanos(System.nanoTime() - failbackStarted);
      finishProbe(onA, "drill-" + runId + "-failover-probe");
      finishProbe(onA, "drill-" + runId + "-failback-probe");

      List<Duration> sorted = lags.stream().sorted().toList();
      return new DrillReport(namespace, a.name(), b.name(), startedAt.size(), startedAt.size() - unfinished.size(),
          sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), failoverTime, failbackTime, unfinished);
    } finally {
      workersOnA.shutdownNow();
      if (workersOnB != null) {
        workersOnB.shutdownNow();
      }
    }
  }

  /** Registers the namespace on A if needed; insists that A is active; waits until B has it too. */
  private void prepareNamespace() {
    String namespace = settings.namespace();
    NamespaceReplication current = a.find(namespace).orElse(null);
    if (current == null) {
      progress.accept("registering global namespace " + namespace + " on " + a.name() + ", replicated to " + b.name());
      a.registerGlobalNamespace(new GlobalNamespaceSpec(namespace, a.name(), List.of(a.name(), b.name()), GlobalNamespaceSpec.MINIMUM_RETENTION));
    } else if (!current.global() || !current.activeCluster().equals(a.name())) {
      throw new ReplicationException(ReplicationException.Kind.INVALID,
          "namespace " + namespace + " must be global and active in " + a.name() + " for the drill; it is "
              + (current.global() ? "active in " + current.activeCluster() : "local"));
    }
    await(namespace + " replicated to " + b.name(), () -> b.find(namespace).isPresent());
  }

  private WorkflowClient client(ClusterAdmin cluster) {
    return WorkflowClient.newInstance(cluster.workflowService(), WorkflowClientOptions.newBuilder().setNamespace(settings.namespace()).build());
  }

  private static WorkerFactory startWorkers(WorkflowClient client) {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    factory.newWorker(TASK_QUEUE).registerWorkflowImplementationTypes(DrillWorkflowImpl.class);
    factory.start();
    return factory;
  }

  private Map<String, Long> startWorkflows(WorkflowClient onA, String runId) {
    Map<String, Long> startedAt = new LinkedHashMap<>();
    for (int i = 1; i <= settings.workflows(); i++) {
      String id = "drill-" + runId + "-" + i;
      WorkflowStub stub = onA.newUntypedWorkflowStub(DrillWorkflow.TYPE,
          WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TASK_QUEUE).build());
      // a namespace registered a moment ago reaches every service's cache within seconds
      await("start " + id + " on " + a.name(), () -> {
        stub.start();
        return true;
      });
      startedAt.put(id, System.nanoTime());
    }
    progress.accept(settings.workflows() + " workflows started on " + a.name() + "; waiting until " + b.name() + " can read them");
    return startedAt;
  }

  /** Polls B until every workflow is readable there; the lag of each, from its start on A. */
  private List<Duration> awaitReplication(WorkflowClient onB, Map<String, Long> startedAt) {
    Map<String, Long> pending = new LinkedHashMap<>(startedAt);
    List<Duration> lags = new ArrayList<>();
    await("all workflows readable on " + b.name(), () -> {
      pending.entrySet().removeIf(entry -> {
        if (!readable(onB, entry.getKey())) {
          return false;
        }
        lags.add(Duration.ofNanos(System.nanoTime() - entry.getValue()));
        return true;
      });
      return pending.isEmpty();
    });
    return lags;
  }

  private static boolean readable(WorkflowClient client, String workflowId) {
    try {
      client.newUntypedWorkflowStub(workflowId).describe();
      return true;
    } catch (RuntimeException notThereYet) {
      return false;
    }
  }

  /**
   * Whether {@code client}'s cluster takes a write now: starting a probe workflow succeeds there
   * only once it is active (standbys refuse writes, they do not forward them).
   */
  private static boolean accepted(WorkflowClient client, String probeId) {
    try {
      client.newUntypedWorkflowStub(DrillWorkflow.TYPE, WorkflowOptions.newBuilder().setWorkflowId(probeId).setTaskQueue(TASK_QUEUE).build()).start();
      return true;
    } catch (io.temporal.client.WorkflowExecutionAlreadyStarted startedByAnEarlierAttempt) {
      return true;
    } catch (RuntimeException standby) {
      return false;
    }
  }

  /** Probes are workflows too: finish them, so the drill leaves nothing running. */
  private void finishProbe(WorkflowClient active, String probeId) {
    await("finish probe " + probeId, () -> {
      active.newUntypedWorkflowStub(probeId).signal(DrillWorkflow.FINISH);
      return true;
    });
  }

  /** Signals every workflow to finish on B and waits for each; the ids of those that did not finish. */
  private List<String> finishAll(WorkflowClient onB, Map<String, Long> startedAt) {
    for (String id : startedAt.keySet()) {
      await("signal " + id + " on " + b.name(), () -> {
        onB.newUntypedWorkflowStub(id).signal(DrillWorkflow.FINISH);
        return true;
      });
    }
    List<String> unfinished = new ArrayList<>();
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    for (String id : startedAt.keySet()) {
      try {
        onB.newUntypedWorkflowStub(id).getResult(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS, Integer.class);
      } catch (Exception e) {
        unfinished.add(id + " (" + e.getClass().getSimpleName() + ")");
      }
    }
    progress.accept((startedAt.size() - unfinished.size()) + " / " + startedAt.size() + " workflows finished on " + b.name());
    return unfinished;
  }

  /** Retries {@code attempt} every 50 ms until it answers true, or fails the drill after the phase timeout. */
  private void await(String what, BooleanSupplier attempt) {
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (attempt.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ReplicationException(ReplicationException.Kind.UNREACHABLE, "drill interrupted during: " + what, e);
      }
    }
    throw new ReplicationException(ReplicationException.Kind.REJECTED,
        "drill gave up after " + settings.timeout().toSeconds() + " s: " + what + (last == null ? "" : " (last error: " + last.getMessage() + ")"));
  }
}
