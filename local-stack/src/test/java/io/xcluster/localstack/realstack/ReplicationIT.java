package io.xcluster.localstack.realstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.xcluster.localstack.stack.TemporalClusterServer;
import io.xcluster.replication.admin.ClusterAdmin;
import io.xcluster.replication.admin.LinkedCluster;
import io.xcluster.replication.admin.NamespaceReplication;
import io.xcluster.replication.admin.ReplicationException;
import io.xcluster.replication.cli.ReplicationSetupMain;
import io.xcluster.testkit.cli.ConsoleRun;
import io.xcluster.testkit.tools.ToolBinary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * replication-setup against two real multi-cluster Temporal servers (full server v1.29.1, global
 * namespaces on, SQLite): link, global namespace replicated to the standby (read from the standby
 * itself), failover and failback, the error cases, and the 50-workflow failover drill — all through
 * the CLI, as an operator runs it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ReplicationIT {

  private TemporalClusterServer serverA;
  private TemporalClusterServer serverB;
  private ClusterAdmin a;
  private ClusterAdmin b;

  @BeforeAll
  void startTwoLinkedClusters() {
    assumeTrue(
        ToolBinary.TEMPORAL_SERVER.availableForTests(),
        "replication tests need the full server: scripts/install-tools.sh temporal-server");
    Path workDir = RealStackTier.workDir("replication");
    serverA = TemporalClusterServer.start("cluster-a", 1, workDir);
    serverB = TemporalClusterServer.start("cluster-b", 2, workDir);
    a = ClusterAdmin.connect(serverA.address(), Duration.ofSeconds(30));
    b = ClusterAdmin.connect(serverB.address(), Duration.ofSeconds(30));
    ConsoleRun link =
        cli("link", "--cluster-a", serverA.address(), "--cluster-b", serverB.address());
    assertEquals(0, link.exit(), link.err());
  }

  @AfterAll
  void stopClusters() {
    for (AutoCloseable closeable : new AutoCloseable[] {a, b, serverA, serverB}) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception ignored) {
        // best effort: the process reaper kills what is left
      }
    }
  }

  @Test
  void linkMakesEachClusterListTheOtherWithItsConnectionEnabled() {
    assertTrue(
        a.linkedClusters().contains(new LinkedCluster("cluster-b", serverB.address(), 2, true)),
        a.linkedClusters().toString());
    assertTrue(
        b.linkedClusters().contains(new LinkedCluster("cluster-a", serverA.address(), 1, true)),
        b.linkedClusters().toString());
  }

  @Test
  void globalNamespaceCreatedOnTheMasterIsReadableOnTheStandbyItself() {
    String namespace = uniqueNamespace();
    ConsoleRun create = createNamespace(namespace, "P1D", "cluster-a,cluster-b");
    assertEquals(0, create.exit(), create.err());
    assertTrue(create.out().contains("cluster-b (" + serverB.address() + ") has it"), create.out());

    NamespaceReplication onStandby = b.describe(namespace);
    assertTrue(onStandby.global());
    assertEquals("cluster-a", onStandby.activeCluster());
    assertEquals(List.of("cluster-a", "cluster-b"), onStandby.clusters());
    assertEquals(1, onStandby.failoverVersion());
  }

  @Test
  void failoverAndFailbackMoveTheActiveClusterAndAreRecordedInTheHistory() {
    String namespace = uniqueNamespace();
    assertEquals(0, createNamespace(namespace, "P1D", "cluster-a,cluster-b").exit());

    ConsoleRun over =
        cli(
            "failover",
            "--address",
            serverB.address(),
            "--namespace",
            namespace,
            "--to",
            "cluster-b");
    assertEquals(0, over.exit(), over.err());
    assertTrue(
        over.out().contains("active cluster-a -> cluster-b, failover version 1 -> 2"), over.out());
    await(
        "cluster-a sees cluster-b active",
        () -> a.describe(namespace).activeCluster().equals("cluster-b"));

    ConsoleRun back =
        cli(
            "failover",
            "--address",
            serverA.address(),
            "--namespace",
            namespace,
            "--to",
            "cluster-a");
    assertEquals(0, back.exit(), back.err());
    await("cluster-b sees the failback", () -> b.describe(namespace).failoverVersion() == 101);
    NamespaceReplication after = b.describe(namespace);
    assertEquals("cluster-a", after.activeCluster());
    assertEquals(
        List.of(2L, 101L),
        after.failoverHistory().stream().map(NamespaceReplication.Failover::version).toList());

    ConsoleRun status =
        cli(
            "status",
            "--cluster-a",
            serverA.address(),
            "--cluster-b",
            serverB.address(),
            "--namespace",
            namespace);
    assertEquals(0, status.exit(), status.err());
    assertTrue(status.out().contains("active cluster-a, failover version 101"), status.out());
  }

  @Test
  void anUnknownClusterIsNamedAndNothingIsRegistered() {
    String namespace = uniqueNamespace();
    ConsoleRun run = createNamespace(namespace, "P1D", "cluster-a,cluster-z");
    assertEquals(2, run.exit());
    assertEquals(
        "replication-setup: unknown cluster 'cluster-z': cluster-a knows [cluster-a, cluster-b] (link it first: replication-setup link)",
        run.err().strip());
    assertTrue(a.find(namespace).isEmpty());
  }

  @Test
  void creatingANamespaceTwiceSaysItExists() {
    String namespace = uniqueNamespace();
    assertEquals(0, createNamespace(namespace, "P1D", "cluster-a,cluster-b").exit());
    ConsoleRun again = createNamespace(namespace, "P1D", "cluster-a,cluster-b");
    assertEquals(1, again.exit());
    assertTrue(
        again.err().contains("cannot register namespace '" + namespace + "' on cluster-a")
            && again.err().contains("already exists"),
        again.err());
  }

  @Test
  void retentionBelow24HoursIsRefusedBeforeAnyCall() {
    ConsoleRun run = createNamespace(uniqueNamespace(), "PT1H", "cluster-a,cluster-b");
    assertEquals(2, run.exit());
    assertEquals(
        "replication-setup: --retention PT1H is below the 24 h minimum for global namespaces (e.g. --retention P1D)",
        run.err().strip());
  }

  @Test
  void aWriteToTheStandbyIsRejectedWithOneLineSayingSo() {
    String namespace = uniqueNamespace();
    assertEquals(0, createNamespace(namespace, "P1D", "cluster-a,cluster-b").exit());
    // the standby's frontend learns of a new namespace from its cache, a few seconds after the
    // standby has it
    ReplicationException[] rejected = new ReplicationException[1];
    await(
        "cluster-b knows the namespace and refuses the write",
        () -> {
          rejected[0] =
              assertThrows(
                  ReplicationException.class,
                  () ->
                      b.call(
                          "start a workflow",
                          () ->
                              b.workflowService()
                                  .blockingStub()
                                  .startWorkflowExecution(
                                      StartWorkflowExecutionRequest.newBuilder()
                                          .setNamespace(namespace)
                                          .setWorkflowId("w-" + UUID.randomUUID())
                                          .setRequestId(UUID.randomUUID().toString())
                                          .setWorkflowType(
                                              WorkflowType.newBuilder().setName("Anything"))
                                          .setTaskQueue(TaskQueue.newBuilder().setName("q"))
                                          .build())));
          return !rejected[0].getMessage().contains("not found");
        });
    assertEquals(ReplicationException.Kind.REJECTED, rejected[0].kind());
    assertTrue(
        rejected[0]
            .getMessage()
            .startsWith(
                "cannot start a workflow: cluster-b ("
                    + serverB.address()
                    + ") is a standby for this namespace and rejects writes"),
        rejected[0].getMessage());
  }

  @Test
  void aLinkWithItsConnectionDisabledIsNamedWhenCreatingANamespace() {
    ConsoleRun disable =
        cli(
            "link",
            "--cluster-a",
            serverA.address(),
            "--cluster-b",
            serverB.address(),
            "--disable-connection");
    assertEquals(0, disable.exit(), disable.err());
    try {
      ConsoleRun run = createNamespace(uniqueNamespace(), "P1D", "cluster-a,cluster-b");
      assertEquals(2, run.exit());
      assertTrue(
          run.err()
              .contains("cluster 'cluster-b' is linked to cluster-a with its connection disabled"),
          run.err());
    } finally {
      assertEquals(
          0,
          cli("link", "--cluster-a", serverA.address(), "--cluster-b", serverB.address()).exit());
      await(
          "the connection enabled again on both sides",
          () ->
              a.linkedClusters().stream().allMatch(LinkedCluster::connectionEnabled)
                  && b.linkedClusters().stream().allMatch(LinkedCluster::connectionEnabled));
    }
  }

  @Test
  void drillFinishesFiftyOfFiftyWorkflowsAfterFailoverAndFailsBack() throws Exception {
    ConsoleRun drill =
        cli(
            "drill",
            "--cluster-a",
            serverA.address(),
            "--cluster-b",
            serverB.address(),
            "--namespace",
            uniqueNamespace(),
            "--workflows",
            "50");
    System.out.println(drill.out());
    Files.writeString(
        Files.createDirectories(Path.of("target", "reliability")).resolve("replication-drill.txt"),
        drill.out());
    assertEquals(0, drill.exit(), drill.err());
    assertTrue(
        drill.out().contains("workflows finished on cluster-b after failover: 50 / 50"),
        drill.out());
    assertTrue(drill.out().contains("every workflow finished"), drill.out());
  }

  private ConsoleRun createNamespace(String namespace, String retention, String clusters) {
    return cli(
        "namespace",
        "create",
        "--global",
        "--address",
        serverA.address(),
        "--namespace",
        namespace,
        "--active",
        "cluster-a",
        "--clusters",
        clusters,
        "--retention",
        retention,
        "--replica-address",
        serverB.address());
  }

  private static String uniqueNamespace() {
    return "ns-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static ConsoleRun cli(String... args) {
    return ConsoleRun.of(() -> ReplicationSetupMain.execute(args));
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 60 s: " + what);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
