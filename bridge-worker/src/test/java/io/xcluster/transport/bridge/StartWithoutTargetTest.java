package io.xcluster.transport.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.failure.v1.Failure;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.worker.WorkerFactory;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.OutcomeKind;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.protection.DestinationLimits;
import io.xcluster.runtime.config.TemporalProfiles.ResolvedCluster;
import io.xcluster.runtime.http.ServiceHttpServer;
import io.xcluster.runtime.lifecycle.ServiceProcess;
import io.xcluster.runtime.lifecycle.ServiceStart;
import io.xcluster.runtime.metrics.ServiceMetrics;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.ContractParties;
import io.xcluster.testkit.contract.ExecutionLedger;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.testkit.temporal.EmbeddedTemporalServer;
import io.xcluster.tracing.ServiceTracing;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bridge process (its composition as {@code BridgeWorkerMain} runs it, in-process) started while
 * eu-west does not answer at all: nothing listens on its port until the test starts an embedded
 * server there. A rollout during an eu-west outage must leave the bridge ready and polling.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StartWithoutTargetTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private EmbeddedTemporalServer usEastServer;
  private EmbeddedTemporalServer euWestServer;
  private ClusterConnection usEast;
  private ClusterConnection euWest;
  private WorkerFactory callers;
  private WorkerFactory remotes;
  private ServiceProcess process;
  private Thread main;
  private final AtomicReference<BridgeWorker> bridge = new AtomicReference<>();

  @AfterEach
  void stop() throws Exception {
    if (process != null) {
      process.stop();
    }
    if (main != null) {
      main.join(TimeUnit.SECONDS.toMillis(30));
    }
    for (WorkerFactory workers : new WorkerFactory[] {callers, remotes}) {
      if (workers != null) {
        workers.shutdownNow();
      }
    }
    for (ClusterConnection connection : new ClusterConnection[] {usEast, euWest}) {
      if (connection != null) {
        connection.closeNow();
      }
    }
    for (EmbeddedTemporalServer server :
        new EmbeddedTemporalServer[] {usEastServer, euWestServer}) {
      if (server != null) {
        server.close();
      }
    }
  }

  @Test
  void aBridgeStartedWhileEuWestIsDownServesOnceEuWestAnswers() throws Exception {
    usEastServer = EmbeddedTemporalServer.start(0);
    ClusterEndpoint source = ClusterEndpoint.loopback(ContractClusters.SOURCE, usEastServer.port());
    int euWestPort = LoopbackPorts.free(); // nothing listens there yet
    ClusterEndpoint target = ClusterEndpoint.loopback(ContractClusters.TARGET, euWestPort);
    usEast = ClusterConnection.open(source);
    callers =
        ContractParties.startCallers(
            usEast, new BridgeTransport().routeTo(ContractClusters.TARGET));

    ServiceStart.Running running = startBridgeProcess(source, target);

    String readyWhileDown =
        await(() -> readiness(running).filter(body -> body.startsWith("200 ")), "ready");
    assertTrue(
        readyWhileDown.contains("\"checks\":{\"cluster us-east\":\"up\"}")
            && readyWhileDown.contains("\"cluster eu-west\":\"connecting\""),
        "ready on us-east alone, eu-west reported as connecting: " + readyWhileDown);

    ContractParties.StartedCaller caller =
        ContractParties.startCaller(
            usEast.client(),
            "start-without-target-" + UUID.randomUUID(),
            "fulfil",
            RemoteBehaviour.complete("parcel"),
            Duration.ofMinutes(5));
    // the bridge polls: it took the call and failed it retryably while eu-west is down
    PendingActivityInfo waiting =
        await(
            () ->
                pendingCall(caller).filter(call -> call.getAttempt() >= 2 && call.hasLastFailure()),
            "the call to be tried while eu-west is down");
    String why = messages(waiting.getLastFailure());
    assertTrue(
        !waiting.getLastFailure().getApplicationFailureInfo().getNonRetryable()
            && (why.contains("UNAVAILABLE") || why.contains("circuit breaker open")),
        "an outage is retried (or held back by the breaker), never a business failure: " + why);
    assertEquals(0, ExecutionLedger.InMemory.executionsOf(caller.remoteWorkflowId()));

    euWestServer = EmbeddedTemporalServer.start(euWestPort);
    euWest = ClusterConnection.open(target);
    remotes = ContractParties.startRemotes(euWest);

    CallOutcome outcome = caller.stub().getResult(90, TimeUnit.SECONDS, CallOutcome.class);
    assertEquals(OutcomeKind.COMPLETED, outcome.kind(), outcome.describe());
    assertEquals(
        1, ExecutionLedger.InMemory.executionsOf(caller.remoteWorkflowId()), "ran exactly once");
    await(
        () -> readiness(running).filter(body -> body.contains("\"cluster eu-west\":\"up\"")),
        "eu-west reported up");
    await(
        () -> Optional.ofNullable(bridge.get()).filter(BridgeWorker::targetWorkersStarted),
        "the bridge's workers on eu-west to start");
  }

  /** As {@code BridgeWorkerMain.serve} after its settings: start, then serve until stopped. */
  private ServiceStart.Running startBridgeProcess(ClusterEndpoint source, ClusterEndpoint target) {
    process = new ServiceProcess(BridgeWorkerMain.SERVICE_NAME, Duration.ofSeconds(5));
    ServiceMetrics metrics = ServiceMetrics.start(BridgeWorkerMain.SERVICE_NAME);
    process.onStop(metrics);
    ServiceHttpServer http =
        ServiceHttpServer.start("127.0.0.1", 0, process.health(), "--http-host", "--http-port");
    process.onStop(http);
    Duration connectTimeout = Duration.ofSeconds(2);
    ServiceStart.Running running =
        new ServiceStart.Running(process, http, ServiceTracing.disabled(), metrics, connectTimeout);
    BridgeSettings settings =
        new BridgeSettings(source, target, null, null, connectTimeout)
            .withLimits(new DestinationLimits(0, 0, 3, Duration.ofSeconds(2)));
    main =
        new Thread(
            () -> {
              try {
                bridge.set(
                    BridgeWorkerMain.startIn(
                        running,
                        settings,
                        new ResolvedCluster(source, "the test"),
                        new ResolvedCluster(target, "the test"),
                        Duration.ofSeconds(5)));
                running.serveUntilStopped();
              } catch (ServiceProcess.StopRequestedException stoppedWhileStarting) {
                // the test ended first
              }
            },
            "bridge-main");
    main.start();
    return running;
  }

  private static Optional<String> readiness(ServiceStart.Running running) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + running.http().port() + "/readyz"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return Optional.of(response.statusCode() + " " + response.body());
    } catch (java.io.IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A failure's message and its causes', outermost first. */
  private static String messages(Failure failure) {
    StringBuilder messages = new StringBuilder(failure.getMessage());
    for (Failure cause = failure; cause.hasCause(); cause = cause.getCause()) {
      messages.append(" <- ").append(cause.getCause().getMessage());
    }
    return messages.toString();
  }

  private static Optional<PendingActivityInfo> pendingCall(ContractParties.StartedCaller caller) {
    return caller.stub().describe().getRawDescription().getPendingActivitiesList().stream()
        .findFirst();
  }

  private static <T> T await(Supplier<Optional<T>> condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Optional<T> result = condition.get();
      if (result.isPresent()) {
        return result.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited 30 s for " + what);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
