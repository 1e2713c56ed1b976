package io.xcluster.port.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.TextNode;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.port.spi.DeliveredOutcome;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A caller's configuration changes while its call is open (the cluster renamed, the target moved to
 * another namespace) and its workers restart: the execution, replayed on the new configuration,
 * still cancels and hears the call it made.
 */
class CallSettingsRecordedTest {

  private static final RemoteTarget FIRST_TARGET = CallerWorkflow.TARGET;
  private static final RemoteTarget MOVED_TARGET =
      new RemoteTarget("eu-west", "fulfillment-v2", "Remote", "remote", Duration.ofHours(48));

  /** What the caller's workers are configured with now. */
  private static final AtomicReference<String> sourceCluster = new AtomicReference<>();

  private static final AtomicReference<RemoteTarget> target = new AtomicReference<>();

  @WorkflowInterface
  public interface ReconfiguredCaller {
    @WorkflowMethod
    CallOutcome call(String operation);
  }

  public static final class ReconfiguredCallerImpl implements ReconfiguredCaller {
    private final CrossClusterClient crossCluster =
        new CrossClusterClient(sourceCluster.get(), () -> CallerWorkflow.ROUTE);

    @Override
    public CallOutcome call(String operation) {
      return crossCluster.call(operation, target.get(), "parcel").get();
    }
  }

  private TestWorkflowEnvironment env;
  private ScriptedTransport transport;
  private WorkflowClient client;

  @BeforeEach
  void start() {
    sourceCluster.set("us-east");
    target.set(FIRST_TARGET);
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkerFactoryOptions(
                    // one execution cached: starting a second one evicts the first, whose next
                    // workflow task then replays its history, as on a restarted worker
                    WorkerFactoryOptions.newBuilder().setWorkflowCacheSize(1).build())
                .build());
    env.newWorker(CallerWorkflow.TASK_QUEUE)
        .registerWorkflowImplementationTypes(ReconfiguredCallerImpl.class);
    transport = new ScriptedTransport();
    env.newWorker(CallerWorkflow.TRANSPORT_QUEUE).registerActivitiesImplementations(transport);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  /**
   * The caller's workers now run on a new configuration, and have forgotten the open executions:
   * another execution takes the only cache slot.
   */
  private void reconfigureAndForget(String newSourceCluster, RemoteTarget newTarget)
      throws InterruptedException {
    sourceCluster.set(newSourceCluster);
    target.set(newTarget);
    String started = "call handover (handover allowed)";
    long before = transport.events.stream().filter(started::equals).count();
    startCaller("evicts-the-others", "handover");
    awaitEvent(started, before + 1);
  }

  @Test
  void aCancelAfterTheTargetMovedGoesWhereTheCallWent() throws Exception {
    WorkflowStub caller = startCaller("order-moved", "held");
    awaitEvent("call held (handover allowed)");

    reconfigureAndForget("us-central", MOVED_TARGET);
    caller.cancel();

    awaitEvent("cancel held");
    CallRequest cancel = transport.cancelRequests.get(0);
    assertEquals(FIRST_TARGET, cancel.target());
    assertEquals("us-east:order-moved:held", cancel.callId().value());
  }

  @Test
  void anOutcomeForTheCallIdTheCallWasMadeUnderSettlesItAfterTheClusterIsRenamed()
      throws Exception {
    WorkflowStub caller = startCaller("order-renamed", "handover");
    awaitEvent("call handover (handover allowed)");

    reconfigureAndForget("us-central", FIRST_TARGET);
    caller.signal(
        CallOutcomeDelivery.SIGNAL_NAME,
        new DeliveredOutcome(
            "us-east:order-renamed:handover", CallOutcome.completed(TextNode.valueOf("shipped"))));

    CallOutcome outcome = caller.getResult(10, TimeUnit.SECONDS, CallOutcome.class);
    assertEquals("shipped", outcome.resultOrThrow(String.class));
  }

  private WorkflowStub startCaller(String workflowId, String operation) {
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            "ReconfiguredCaller",
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(CallerWorkflow.TASK_QUEUE)
                .build());
    stub.start(operation);
    return stub;
  }

  private void awaitEvent(String event) throws InterruptedException {
    awaitEvent(event, 1);
  }

  private void awaitEvent(String event, long times) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (transport.events.stream().filter(event::equals).count() < times) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(event + " not seen within 30 s: " + transport.events);
      }
      Thread.sleep(50);
    }
  }
}
