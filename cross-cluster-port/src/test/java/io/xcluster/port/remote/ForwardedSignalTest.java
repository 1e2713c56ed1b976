package io.xcluster.port.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.call.RemoteUpdate;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.spi.CallOutcomeDelivery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A forwarded signal leaves under the forward's own request id (so the target drops a repeat) and
 * through the client's interceptors (so tracing puts the forward's context in its header), both at
 * once: the SDK's own signal call offers only the second.
 */
class ForwardedSignalTest {

  private static final String QUEUE = "noted";
  private static final String MARK = "xcluster-test-mark";

  @WorkflowInterface
  public interface NotedWorkflow {
    @WorkflowMethod
    void run();

    @SignalMethod(name = "note")
    void note(String text);

    @QueryMethod(name = "notes")
    List<String> notes();
  }

  public static final class NotedWorkflowImpl implements NotedWorkflow {
    private final List<String> notes = new ArrayList<>();

    @Override
    public void run() {
      Workflow.await(() -> false);
    }

    @Override
    public void note(String text) {
      notes.add(text);
    }

    @Override
    public List<String> notes() {
      return notes;
    }
  }

  /** What a tracing interceptor does to a signal: puts something of its own in the header. */
  private static final class MarkingInterceptor extends WorkflowClientInterceptorBase {
    @Override
    public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(
        WorkflowClientCallsInterceptor next) {
      return new WorkflowClientCallsInterceptorBase(next) {
        @Override
        public WorkflowSignalOutput signal(WorkflowSignalInput input) {
          input.getHeader().getValues().put(MARK, Payload.getDefaultInstance());
          return super.signal(input);
        }
      };
    }
  }

  /** The signal requests as they go on the wire. */
  private final List<SignalWorkflowExecutionRequest> sent = new CopyOnWriteArrayList<>();

  private final ClientInterceptor wire =
      new ClientInterceptor() {
        @Override
        public <Q, A> ClientCall<Q, A> interceptCall(
            MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
          return new ForwardingClientCall.SimpleForwardingClientCall<>(
              next.newCall(method, options)) {
            @Override
            public void sendMessage(Q message) {
              if (message instanceof SignalWorkflowExecutionRequest signal) {
                sent.add(signal);
              }
              super.sendMessage(message);
            }
          };
        }
      };

  private TestWorkflowEnvironment env;

  @BeforeEach
  void startTheTarget() {
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkflowServiceStubsOptions(
                    WorkflowServiceStubsOptions.newBuilder()
                        .setGrpcClientInterceptors(List.of(wire))
                        .build())
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder()
                        .setInterceptors(new MarkingInterceptor())
                        .build())
                .build());
    env.newWorker(QUEUE).registerWorkflowImplementationTypes(NotedWorkflowImpl.class);
    env.start();
  }

  @AfterEach
  void close() {
    env.close();
  }

  @Test
  void everyAttemptOfAForwardedSignalCarriesItsRequestIdAndTheInterceptorsHeader() {
    WorkflowClient target = env.getWorkflowClient();
    CallId call = new CallId("us-east", "order-1", "fulfillment");
    NotedWorkflow run =
        target.newWorkflowStub(
            NotedWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId(call.value()).build());
    WorkflowClient.start(run::run);
    RemoteUpdate hold =
        RemoteUpdate.of(
            RemoteUpdate.Kind.SIGNAL,
            call,
            new RemoteTarget("eu-west", "default", "NotedWorkflow", QUEUE, Duration.ofHours(1)),
            "note",
            "hold-1",
            TextNode.valueOf("hold the parcel"));
    RemoteRuns remote = new RemoteRuns(target);

    UpdateVerdict first = remote.signal(hold);
    UpdateVerdict retried = remote.signal(hold);

    assertTrue(first.accepted() && retried.accepted(), first + " / " + retried);
    // the dropping is the server's (a real one; the embedded test server ignores request ids):
    // what is ours is that every attempt goes out under the same one
    assertEquals("hold the parcel", run.notes().get(0));
    assertEquals(2, sent.size(), "both attempts went out: " + sent);
    for (SignalWorkflowExecutionRequest request : sent) {
      assertEquals(hold.updateId(), request.getRequestId());
      Map<String, Payload> header = request.getHeader().getFieldsMap();
      assertTrue(header.containsKey(MARK), "the interceptors' header went out: " + header);
    }
  }

  @Test
  void aSignalOnceToAWorkflowWithNoOpenRunIsWorkflowNotFoundAsTheSdksSignalWouldBe() {
    assertThrows(
        WorkflowNotFoundException.class,
        () ->
            SignalOnce.send(
                env.getWorkflowClient(),
                "no-such-order",
                CallOutcomeDelivery.SIGNAL_NAME,
                CallOutcomeDelivery.outcomeRequestId("us-east:no-such-order:fulfillment"),
                "anything"));
    assertEquals(
        CallOutcomeDelivery.outcomeRequestId("us-east:no-such-order:fulfillment"),
        sent.get(0).getRequestId(),
        "an outcome goes out under the same request id every time");
  }
}
