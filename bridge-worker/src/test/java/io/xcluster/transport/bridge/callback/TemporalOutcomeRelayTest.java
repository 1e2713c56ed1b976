package io.xcluster.transport.bridge.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import io.xcluster.port.call.CallId;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.spi.TransportMetrics;
import io.xcluster.testkit.temporal.EmbeddedTemporalServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The target cluster gives a callback 10 s and counts a timeout as a failure: when the calling
 * cluster cannot be reached (a partition), the relay answers "try again" within its budget instead
 * of riding the SDK's minute of retries.
 */
class TemporalOutcomeRelayTest {

  @WorkflowInterface
  public interface Finished {
    @WorkflowMethod
    String finish();
  }

  public static class FinishedImpl implements Finished {
    @Override
    public String finish() {
      return "shipped";
    }
  }

  @Test
  void aCallerGoneAwayIsReportedWithinTheSignalBudgetNotAfterTheSdksMinuteOfRetries()
      throws Exception {
    CallId callId = new CallId("us-east", "order-1", "fulfillment");
    EmbeddedTemporalServer us = EmbeddedTemporalServer.start(0);
    ClusterConnection caller =
        ClusterConnection.open(ClusterEndpoint.loopback("us-east", us.port()));
    us.close(); // the link to the calling region is cut after the bridge had connected
    try (caller;
        EmbeddedTemporalServer eu = EmbeddedTemporalServer.start(0);
        ClusterConnection target =
            ClusterConnection.open(ClusterEndpoint.loopback("eu-west", eu.port()))) {
      WorkerFactory workers = target.newWorkerFactory();
      workers.newWorker("fulfillment").registerWorkflowImplementationTypes(FinishedImpl.class);
      workers.start();
      try {
        Finished run =
            target
                .client()
                .newWorkflowStub(
                    Finished.class,
                    WorkflowOptions.newBuilder()
                        .setTaskQueue("fulfillment")
                        .setWorkflowId(callId.value())
                        .build());
        assertEquals("shipped", run.finish());
        TemporalOutcomeRelay relay =
            new TemporalOutcomeRelay(
                caller.client(), target.client(), TransportMetrics.of("bridge", "eu-west"));

        long started = System.nanoTime();
        OutcomeRelay.Relayed relayed = relay.relay(callId, null);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertEquals(OutcomeRelay.Relayed.UNAVAILABLE, relayed);
        // the SDK alone would retry for a minute; the bound is loose so a busy machine cannot
        // fail it, and still far below that minute
        assertTrue(
            took.compareTo(TemporalOutcomeRelay.SIGNAL_BUDGET.plusSeconds(25)) < 0,
            "answered after " + took.toMillis() + " ms, not within the signal budget");
      } finally {
        workers.shutdownNow();
      }
    }
  }

  @Test
  void aCallbackForARunTheTargetCannotFindAsksForTheCallbackAgainInsteadOfFailingTheCall()
      throws Exception {
    CallId callId = new CallId("us-east", "order-2", "fulfillment");
    try (EmbeddedTemporalServer us = EmbeddedTemporalServer.start(0);
        ClusterConnection caller =
            ClusterConnection.open(ClusterEndpoint.loopback("us-east", us.port()));
        EmbeddedTemporalServer eu = EmbeddedTemporalServer.start(0);
        ClusterConnection target =
            ClusterConnection.open(ClusterEndpoint.loopback("eu-west", eu.port()))) {
      TemporalOutcomeRelay relay =
          new TemporalOutcomeRelay(
              caller.client(), target.client(), TransportMetrics.of("bridge", "eu-west"));

      // the run that called back is not (yet) on the cluster the bridge reads: a lagging read
      // around a failover, not an outcome; a FAILED RemoteRunNotFound would end the order for good
      OutcomeRelay.Relayed relayed = relay.relay(callId, null);

      assertEquals(OutcomeRelay.Relayed.UNAVAILABLE, relayed);
    }
  }
}
