package io.xcluster.replication.drill;

import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
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
 * waiting for a signal; the replication lag until each is readable on B; failover to B, timed until
 * B accepts a write; the workers moved to B; every workflow signalled and finished on B; failback
 * to A, timed the same way.
 */
public final class FailoverDrill {

  /**
   * @param namespace the global namespace to drill on (registered, active in A, if it does not
   *     exist)
   * @param workflows how many workflows to start and finish
   * @param timeout how long each phase may take before the drill gives up on it
   */
  public record Settings(String namespace, int workflows, Duration timeout) {
    public Settings {
      if (workflows < 1) {
        throw new IllegalArgumentException("--workflows must be at least 1, was " + workflows);
      }
      if (timeout.isZero() || timeout.isNegative()) {
        // a phase that may take no time gives up after the drill already changed a cluster
        throw new IllegalArgumentException(
            "--phase-timeout must be a positive duration (ISO-8601, e.g. PT2M), was " + timeout);
      }
    }
  }

  static final String TASK_QUEUE = "replication-drill";
  private static final Duration POLL = Duration.ofMillis(50);

  private final ClusterAdmin a;
  private final ClusterAdmin b;
  private final Settings settings;
  private final Consumer<String> progress;

  public FailoverDrill(
      ClusterAdmin a, ClusterAdmin b, Settings settings, Consumer<String> progress) {
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
    WorkerFactory workersOnA = startWorkers(a, onA);
    WorkerFactory workersOnB = null;
    String runId = Long.toString(System.currentTimeMillis(), 36);
    String failoverProbe = "drill-" + runId + "-failover-probe";
    String failbackProbe = "drill-" + runId + "-failback-probe";
    try {
      ReplicationWatch watch = new ReplicationWatch(onB);
      Map<String, Long> startedAt;
      try {
        startedAt = startWorkflows(onA, runId, watch);
        await("all workflows readable on " + b.name(), watch::allSeen);
      } finally {
        watch.close();
      }

      // A planned failover drains the old active side first: with A's workers still running,
      // A could write progress that B then overrides at its higher failover version.
      progress.accept(
          "stopping the workers on "
              + a.name()
              + ", then failing "
              + namespace
              + " over to "
              + b.name()
              + " (request sent to "
              + b.name()
              + ")");
      workersOnA.shutdown();
      workersOnA.awaitTermination(30, TimeUnit.SECONDS);
      long failoverStarted = System.nanoTime();
      b.failover(namespace, b.name());
      await("failover: " + b.name() + " accepts writes", () -> takesWrites(b, onB, failoverProbe));
      Duration failoverTime = Duration.ofNanos(System.nanoTime() - failoverStarted);
      progress.accept(
          b.name()
              + " accepts writes "
              + failoverTime.toMillis()
              + " ms after the request; workers now on "
              + b.name());
      workersOnB = startWorkers(b, onB);

      List<String> unfinished = finishAll(onB, startedAt.keySet());
      finish(onB, failoverProbe);

      progress.accept("stopping the workers on " + b.name() + ", then failing back to " + a.name());
      workersOnB.shutdown();
      workersOnB.awaitTermination(30, TimeUnit.SECONDS);
      long failbackStarted = System.nanoTime();
      a.failover(namespace, a.name());
      await("failback: " + a.name() + " accepts writes", () -> takesWrites(a, onA, failbackProbe));
      Duration failbackTime = Duration.ofNanos(System.nanoTime() - failbackStarted);
      workersOnA = startWorkers(a, onA);
      cleanUpProbe(onA, failbackProbe);

      List<Duration> lags = watch.lags().stream().sorted().toList();
      return new DrillReport(
          namespace,
          a.name(),
          b.name(),
          startedAt.size(),
          startedAt.size() - unfinished.size(),
          lags.get(lags.size() / 2),
          lags.get(lags.size() - 1),
          failoverTime,
          failbackTime,
          unfinished);
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
      progress.accept(
          "registering global namespace "
              + namespace
              + " on "
              + a.name()
              + ", replicated to "
              + b.name());
      a.registerGlobalNamespace(
          new GlobalNamespaceSpec(
              namespace,
              a.name(),
              List.of(a.name(), b.name()),
              GlobalNamespaceSpec.MINIMUM_RETENTION));
    } else if (!current.global() || !current.activeCluster().equals(a.name())) {
      throw new ReplicationException(
          ReplicationException.Kind.INVALID,
          "namespace "
              + namespace
              + " must be global and active in "
              + a.name()
              + " for the drill; it is "
              + (current.global() ? "active in " + current.activeCluster() : "local"));
    }
    await(namespace + " replicated to " + b.name(), () -> b.find(namespace).isPresent());
  }

  private WorkflowClient client(ClusterAdmin cluster) {
    return WorkflowClient.newInstance(
        cluster.workflowService(),
        WorkflowClientOptions.newBuilder().setNamespace(settings.namespace()).build());
  }

  /**
   * Starts the drill's workers on {@code cluster} once its task queues know the namespace. Earlier,
   * each poller would fail with NOT_FOUND, and the SDK logs every such failure with a stack trace,
   * while the cluster's namespace cache warms up (up to ~10 s after the namespace was registered or
   * replicated): an expected condition, not worth a page of warnings.
   */
  private WorkerFactory startWorkers(ClusterAdmin cluster, WorkflowClient client) {
    DescribeTaskQueueRequest probe =
        DescribeTaskQueueRequest.newBuilder()
            .setNamespace(settings.namespace())
            .setTaskQueue(TaskQueue.newBuilder().setName(TASK_QUEUE))
            .setTaskQueueType(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)
            .build();
    await(
        settings.namespace() + " known to the task queues of " + cluster.name(),
        () -> {
          cluster
              .workflowService()
              .blockingStub()
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .describeTaskQueue(probe);
          return true;
        });
    WorkerFactory factory = WorkerFactory.newInstance(client);
    factory.newWorker(TASK_QUEUE).registerWorkflowImplementationTypes(DrillWorkflowImpl.class);
    factory.start();
    return factory;
  }

  private Map<String, Long> startWorkflows(
      WorkflowClient onA, String runId, ReplicationWatch watch) {
    Map<String, Long> startedAt = new LinkedHashMap<>();
    for (int i = 1; i <= settings.workflows(); i++) {
      String id = "drill-" + runId + "-" + i;
      // a namespace registered a moment ago reaches every service's cache within seconds
      await("start " + id + " on " + a.name(), () -> started(onA, id));
      long now = System.nanoTime();
      startedAt.put(id, now);
      watch.watch(id, now);
    }
    progress.accept(
        settings.workflows()
            + " workflows started on "
            + a.name()
            + "; waiting until "
            + b.name()
            + " can read them");
    return startedAt;
  }

  /**
   * Starts drill workflow {@code id}; a start that already happened (a retried, ambiguous RPC)
   * counts.
   */
  private static boolean started(WorkflowClient client, String id) {
    try {
      client
          .newUntypedWorkflowStub(
              DrillWorkflow.TYPE,
              WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TASK_QUEUE).build())
          .start();
    } catch (WorkflowExecutionAlreadyStarted startedByAnEarlierAttempt) {
      // fine: the first attempt reached the server
    }
    return true;
  }

  /**
   * Whether {@code cluster} is active for the namespace by its own account and takes a write: the
   * start of a probe workflow succeeds there. Both, because under {@code selected-apis-forwarding}
   * a standby would forward the start to the old active cluster and seem to accept it.
   */
  private boolean takesWrites(ClusterAdmin cluster, WorkflowClient client, String probeId) {
    if (!cluster.describe(settings.namespace()).activeCluster().equals(cluster.name())) {
      return false;
    }
    try {
      return started(client, probeId);
    } catch (RuntimeException standby) {
      return false;
    }
  }

  /**
   * The failback probe is cleanup, not a measurement: finish it if A's fresh workers run it in
   * time, else terminate it — either way the drill leaves nothing running and its result stands.
   */
  private void cleanUpProbe(WorkflowClient active, String id) {
    try {
      finish(active, id);
    } catch (ReplicationException slow) {
      progress.accept(id + " did not finish (" + slow.getMessage() + "); terminating it");
      active.newUntypedWorkflowStub(id).terminate("replication drill cleanup");
    }
  }

  /**
   * Finishes a drill workflow on the active cluster and waits for it, so the drill leaves nothing
   * running.
   */
  private void finish(WorkflowClient active, String id) {
    await(
        "finish " + id,
        () -> {
          active.newUntypedWorkflowStub(id).signal(DrillWorkflow.FINISH);
          return true;
        });
    await(
        id + " finished",
        () -> {
          try {
            active.newUntypedWorkflowStub(id).getResult(5, TimeUnit.SECONDS, Integer.class);
            return true;
          } catch (java.util.concurrent.TimeoutException notYet) {
            return false;
          }
        });
  }

  /**
   * Signals every workflow to finish on B and waits for each; the ids of those that did not finish.
   */
  private List<String> finishAll(WorkflowClient onB, java.util.Set<String> ids) {
    for (String id : ids) {
      await(
          "signal " + id + " on " + b.name(),
          () -> {
            onB.newUntypedWorkflowStub(id).signal(DrillWorkflow.FINISH);
            return true;
          });
    }
    List<String> unfinished = new ArrayList<>();
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    for (String id : ids) {
      try {
        // at least a second each: a workflow that finished long ago must not time out because an
        // earlier one was slow
        long wait = Math.max(TimeUnit.SECONDS.toNanos(1), deadline - System.nanoTime());
        onB.newUntypedWorkflowStub(id).getResult(wait, TimeUnit.NANOSECONDS, Integer.class);
      } catch (Exception e) {
        unfinished.add(id + " (" + e.getClass().getSimpleName() + ")");
      }
    }
    progress.accept(
        (ids.size() - unfinished.size())
            + " / "
            + ids.size()
            + " workflows finished on "
            + b.name());
    return unfinished;
  }

  /**
   * Retries {@code attempt} every 50 ms until it answers true, or fails the drill after the phase
   * timeout.
   */
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
        throw new ReplicationException(
            ReplicationException.Kind.UNREACHABLE, "drill interrupted during: " + what, e);
      }
    }
    throw new ReplicationException(
        ReplicationException.Kind.REJECTED,
        "drill gave up after "
            + settings.timeout().toSeconds()
            + " s: "
            + what
            + (last == null ? "" : " (last error: " + last.getMessage() + ")"));
  }
}
