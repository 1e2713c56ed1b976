package io.xcluster.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowNotFoundException;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.cluster.ClusterTls;
import io.xcluster.port.cluster.ConnectionInterceptors;
import io.xcluster.runtime.config.ConfigException;
import io.xcluster.runtime.http.ServiceHealth;
import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.testkit.temporal.EmbeddedTemporalServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster a process only sends work to (a bridge's eu-west) does not hold its start-up: down, it
 * is reported as connecting and connected to on first use; its bad settings still stop start-up.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RemoteClusterAtStartTest {

  private static final Duration ATTEMPT = Duration.ofSeconds(1);

  @Test
  void aRemoteClusterThatIsDownIsConnectingUntilItAnswersAndNeverHoldsReadiness() throws Exception {
    int port = LoopbackPorts.free(); // nothing listens there yet
    ServiceProcess process = new ServiceProcess("remote-at-start", Duration.ofSeconds(1));
    ServiceHealth health = process.health();
    try {
      long began = System.nanoTime();
      ClusterConnection remote =
          process.connectRemote(
              ClusterEndpoint.loopback("eu-west", port), ATTEMPT, ConnectionInterceptors.NONE);
      Duration took = Duration.ofNanos(System.nanoTime() - began);
      // one attempt, not a wait: the SDK's own retries make it a few seconds whatever the timeout
      assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "start-up waited " + took);
      health.started();
      assertTrue(health.readiness().ready(), "a remote cluster does not decide readiness");
      assertEquals("connecting", health.details().get("cluster eu-west"));

      try (EmbeddedTemporalServer euWest = EmbeddedTemporalServer.start(port)) {
        awaitDetail(health, "up");
        // a call that reaches eu-west: not refused as unreachable, answered "no such run"
        assertThrows(
            WorkflowNotFoundException.class,
            () -> remote.client().newUntypedWorkflowStub("never-started").describe());
      }
      awaitDetail(health, "down"); // answered once: from then on up or down
    } finally {
      process.stop();
    }
  }

  @Test
  void aRemoteClusterWithUnusableTlsFilesStopsStartUp(@TempDir Path dir) throws Exception {
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
    ServiceProcess process = new ServiceProcess("remote-at-start", Duration.ofSeconds(1));
    try {
      ConfigException refused =
          assertThrows(
              ConfigException.class,
              () ->
                  process.connectRemote(
                      new ClusterEndpoint(
                          "eu-west",
                          "127.0.0.1:" + LoopbackPorts.free(),
                          "default",
                          new ClusterTls(notPem, null, null, null)),
                      ATTEMPT,
                      ConnectionInterceptors.NONE));
      assertTrue(
          refused.getMessage().startsWith("cluster eu-west: the TLS files cannot be used"),
          refused.getMessage());
    } finally {
      process.stop();
    }
  }

  private static void awaitDetail(ServiceHealth health, String expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String now;
    while (!(now = health.details().get("cluster eu-west")).equals(expected)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("cluster eu-west still " + now + ", expected " + expected);
      }
      Thread.sleep(200);
    }
  }
}
