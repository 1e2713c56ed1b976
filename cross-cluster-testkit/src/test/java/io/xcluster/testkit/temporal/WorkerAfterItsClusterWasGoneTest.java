package io.xcluster.testkit.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A worker whose cluster went away (a restart, a cut link) polls again as soon as the cluster
 * answers. Before, each failed poll doubled the SDK's poll back-off, so after half a minute away a
 * worker sat idle for up to another 25 s after the cluster was back.
 */
class WorkerAfterItsClusterWasGoneTest {

  private static final Duration AWAY = Duration.ofSeconds(30);

  /** Far below the 25 s the back-off reached after {@link #AWAY} (0.1 s doubled 8 times). */
  private static final Duration SOON = Duration.ofSeconds(10);

  @WorkflowInterface
  public interface Echo {
    @WorkflowMethod
    String echo(String text);
  }

  public static class EchoImpl implements Echo {
    @Override
    public String echo(String text) {
      return text;
    }
  }

  @Test
  void aWorkerTakesWorkWithinSecondsOfItsClusterComingBackAfterHalfAMinuteAway() throws Exception {
    EmbeddedTemporalServer first = EmbeddedTemporalServer.start(0);
    int port = first.port();
    boolean firstRunning = true;
    EmbeddedTemporalServer back = null;
    try (ClusterConnection worker =
        ClusterConnection.open(ClusterEndpoint.loopback("us-east", port))) {
      WorkerFactory workers = worker.newWorkerFactory();
      workers.newWorker("echo").registerWorkflowImplementationTypes(EchoImpl.class);
      workers.start();
      try {
        first.close(); // the cluster is gone: every poll now finds nothing to connect to
        firstRunning = false;
        Thread.sleep(AWAY.toMillis());
        back = EmbeddedTemporalServer.start(port);

        long backAt = System.nanoTime();
        try (ClusterConnection caller =
            ClusterConnection.open(ClusterEndpoint.loopback("us-east", port))) {
          Echo echo =
              caller
                  .client()
                  .newWorkflowStub(
                      Echo.class,
                      WorkflowOptions.newBuilder()
                          .setTaskQueue("echo")
                          .setWorkflowId("after-the-outage")
                          .build());
          String answer =
              WorkflowClient.execute(echo::echo, "back")
                  .get(SOON.toSeconds() * 6, TimeUnit.SECONDS);
          Duration took = Duration.ofNanos(System.nanoTime() - backAt);
          assertEquals("back", answer);
          assertTrue(
              took.compareTo(SOON) < 0,
              "the worker took the task " + took.toMillis() + " ms after its cluster was back");
        }
      } finally {
        workers.shutdownNow();
      }
    } finally {
      if (firstRunning) {
        first.close();
      }
      if (back != null) {
        back.close();
      }
    }
  }
}
