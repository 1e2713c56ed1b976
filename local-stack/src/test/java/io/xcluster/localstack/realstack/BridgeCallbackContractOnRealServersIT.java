package io.xcluster.localstack.realstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.testkit.contract.TransportContractTest;
import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.transport.bridge.BridgeSettings;
import io.xcluster.transport.bridge.BridgeTransport;
import io.xcluster.transport.bridge.BridgeWorker;
import io.xcluster.transport.bridge.callback.CallbackKey;
import io.xcluster.transport.bridge.callback.CallbackSettings;
import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The bridge in the callback mode passes the transport contract kit on two real Temporal servers
 * (the embedded Java test server accepts completion callbacks but never calls them), and holds
 * nothing while calls wait.
 */
class BridgeCallbackContractOnRealServersIT extends TransportContractTest {

  /**
   * Long enough for a start with a callback on a loaded 2-core machine: a call activity in the
   * callback mode never heartbeats (it returns at once), and no call is held that a short timeout
   * would hand to another replica sooner.
   */
  private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  /** One address across restarts: the target cluster keeps the URL each run was started with. */
  private final int callbackPort = LoopbackPorts.free();

  /** What the target cluster calls back: forwards to the bridge, and can send a callback again. */
  private CallbackProxy callbacks;

  private final CallbackKey key = CallbackKey.of(new SecureRandom().generateSeed(32), "test key");
  private ClusterEndpoint sourceEndpoint;
  private ClusterEndpoint targetEndpoint;
  private ClusterConnection sourceClient;
  private ClusterConnection targetClient;
  private volatile BridgeWorker bridge;

  @Override
  protected ContractClusters startClusters() {
    RealStackTier.assumeToolsInstalled();
    return RealStackTier.contractClusters(RealStackTier.workDir("bridge-callback-contract"));
  }

  @Override
  protected boolean serverTimesOutAbandonedActivities() {
    return true;
  }

  @Override
  protected boolean serverDeduplicatesSignals() {
    return true;
  }

  @Override
  protected RunningTransport startTransport(ClusterEndpoint source, ClusterEndpoint target) {
    if (targetClient == null) {
      sourceEndpoint = source;
      targetEndpoint = target;
      sourceClient = ClusterConnection.open(source);
      targetClient = ClusterConnection.open(target);
      callbacks =
          CallbackProxy.forwardingTo(
              URI.create("http://127.0.0.1:" + callbackPort + "/xcluster/callbacks"));
    }
    bridge =
        BridgeWorker.start(
            new BridgeSettings(source, target, null, Duration.ofMillis(100), null)
                .withCallbacks(
                    CallbackSettings.listeningOn(
                        callbacks.url(), "127.0.0.1:" + callbackPort, key, null)),
            io.xcluster.tracing.ServiceTracing.disabled());
    return () ->
        bridge.kill(); // whichever bridge runs now: the fault case below restarts it itself
  }

  @Override
  protected CallRoute route() {
    return new BridgeTransport().routeTo("eu-west").withHeartbeatTimeout(HEARTBEAT_TIMEOUT);
  }

  /** The target's callback for the call, POSTed to the bridge once more as it came. */
  @Override
  protected Optional<OutcomeRepeater> outcomeRepeater() {
    return Optional.of(
        caller -> {
          try {
            assertEquals(
                200, callbacks.replay(caller.remoteWorkflowId()), "the replayed callback's answer");
          } catch (IOException e) {
            throw new AssertionError("cannot replay the callback of " + caller.workflowId(), e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted replaying a callback", e);
          }
        });
  }

  @AfterAll
  void closeClients() {
    if (targetClient != null) {
      sourceClient.closeNow();
      targetClient.closeNow();
      callbacks.close();
    }
  }

  @Test
  void waitingCallsHoldNothingInTheBridgeAndTheirOutcomeComesAsASignal() {
    Caller caller = startCaller("pushed", RemoteBehaviour.awaitRelease("pushed"), REMOTE_TIMEOUT);
    awaitCondition("the remote workflow runs", () -> executionsOf(caller.remoteWorkflowId()) == 1);
    awaitCondition("the call activity has returned", () -> activityCompleted(caller));

    assertEquals(0, bridge.inFlightCalls(), "the bridge holds no call open");
    targetClient.client().newUntypedWorkflowStub(caller.remoteWorkflowId()).signal("release");

    assertEquals("done:pushed", caller.outcome().resultOrThrow(String.class));
    assertTrue(
        signaledOutcome(caller),
        "the outcome came as the " + CallOutcomeDelivery.SIGNAL_NAME + " signal");
  }

  @Test
  void everyBridgeKilledWhileRemoteRunsFinishAndOneStartedLaterCompletesEachCallOnce()
      throws Exception {
    List<Caller> callers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      callers.add(startCaller("fault", RemoteBehaviour.awaitRelease("f" + i), REMOTE_TIMEOUT));
    }
    for (Caller caller : callers) {
      awaitCondition("the call activity has returned", () -> activityCompleted(caller));
    }
    bridge.kill();
    for (Caller caller : callers) {
      targetClient.client().newUntypedWorkflowStub(caller.remoteWorkflowId()).signal("release");
    }
    for (Caller caller : callers) {
      awaitCondition("the remote run completes while no bridge runs", () -> remoteClosed(caller));
    }
    Thread.sleep(10_000); // the target keeps retrying its callbacks meanwhile
    startTransport(sourceEndpoint, targetEndpoint);

    for (int i = 0; i < callers.size(); i++) {
      assertEquals(
          "done:f" + i, callers.get(i).outcome(Duration.ofMinutes(2)).resultOrThrow(String.class));
      assertEquals(1, executionsOf(callers.get(i).remoteWorkflowId()));
    }
  }

  private boolean activityCompleted(Caller caller) {
    return historyHas(caller, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
  }

  private boolean signaledOutcome(Caller caller) {
    return historyHas(caller, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
  }

  private boolean historyHas(Caller caller, EventType type) {
    return sourceClient.client().fetchHistory(caller.workflowId()).getEvents().stream()
        .anyMatch(e -> e.getEventType() == type);
  }

  private boolean remoteClosed(Caller caller) {
    return targetClient
            .client()
            .newUntypedWorkflowStub(caller.remoteWorkflowId())
            .describe()
            .getRawDescription()
            .getWorkflowExecutionInfo()
            .getStatus()
        == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED;
  }
}
