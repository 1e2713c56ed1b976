package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.MessageInfo;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.OutcomeKind;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.ContractParties;
import io.xcluster.testkit.contract.ExecutionLedger;
import io.xcluster.testkit.contract.RemoteBehaviour;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The relay gives a call up after {@link NatsSettings#maxDeliveries()} failures, and only failures
 * count: a redelivery because eu-west was out of reach is waited out, however many there are, while
 * a refusal that asking again will not cure ({@code INVALID_ARGUMENT}) counts, outage or not
 * between.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class FailureLimitCountsRefusalsNotOutagesTest {

  private final ScriptedStarts starts = new ScriptedStarts();

  @RegisterExtension
  final RelayBetweenEmbeddedClusters relay =
      new RelayBetweenEmbeddedClusters()
          .relayReachesTargetThrough(starts)
          .settings(settings -> settings.withAckWait(Duration.ofSeconds(3)));

  @Test
  void outageRedeliveriesDoNotCountTowardTheFailureLimit() throws Exception {
    int limit = relay.settings().maxDeliveries();
    String callerId = "nats-outage-then-refused-" + UUID.randomUUID();
    // as many outages as the limit, then one refusal short of it: never enough to give up
    starts.script(remoteRunOf(callerId), limit, limit - 1);
    ContractParties.StartedCaller caller = callerFor(callerId);

    CallOutcome outcome = caller.stub().getResult(150, TimeUnit.SECONDS, CallOutcome.class);

    assertEquals(OutcomeKind.COMPLETED, outcome.kind(), outcome.describe());
    assertEquals(limit + limit - 1 + 1, starts.attempts(caller.remoteWorkflowId()));
    assertEquals(1, ExecutionLedger.InMemory.executionsOf(caller.remoteWorkflowId()));
    assertThrows(
        JetStreamApiException.class, this::lastDeadLetteredCall, "nothing was dead-lettered");
  }

  @Test
  void refusalsCountTowardTheFailureLimitWithOutagesBetween() throws Exception {
    int limit = relay.settings().maxDeliveries();
    String callerId = "nats-refused-after-outage-" + UUID.randomUUID();
    starts.script(remoteRunOf(callerId), 2, limit);
    ContractParties.StartedCaller caller = callerFor(callerId);

    CallOutcome outcome = caller.stub().getResult(150, TimeUnit.SECONDS, CallOutcome.class);

    assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.describe());
    assertEquals(CallRelay.CALL_DEAD_LETTERED, outcome.failure().type());
    String reason = lastDeadLetteredCall().getHeaders().getFirst(WireHeaders.DEAD_LETTER_REASON);
    assertTrue(reason.contains("failed " + limit + " times: INVALID_ARGUMENT"), reason);
    assertEquals(2 + limit, starts.attempts(caller.remoteWorkflowId()), "given up at the limit");
    assertEquals(0, ExecutionLedger.InMemory.executionsOf(caller.remoteWorkflowId()));
  }

  private static String remoteRunOf(String callerId) {
    return new CallId(ContractClusters.SOURCE, callerId, "fulfil").value();
  }

  private ContractParties.StartedCaller callerFor(String callerId) {
    return relay.startCaller(callerId, RemoteBehaviour.complete("x"));
  }

  private MessageInfo lastDeadLetteredCall() throws Exception {
    NatsSettings settings = relay.settings();
    return relay
        .observer()
        .jetStreamManagement(settings.jetStreamOptions())
        .getLastMessage(settings.deadLetterStream(), settings.deadLetterSubject("calls"));
  }

  /**
   * The relay's link to eu-west, answering the starts of a scripted run: first {@code outages}
   * times UNAVAILABLE (eu-west out of reach), then {@code refusals} times INVALID_ARGUMENT (a start
   * refused for good), then let through.
   */
  private static final class ScriptedStarts extends WorkflowClientInterceptorBase {

    private enum Answer {
      OUTAGE,
      REFUSAL
    }

    private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    void script(String workflowId, int outages, int refusals) {
      Deque<Answer> answers = new ArrayDeque<>();
      answers.addAll(Collections.nCopies(outages, Answer.OUTAGE));
      answers.addAll(Collections.nCopies(refusals, Answer.REFUSAL));
      scripts.put(workflowId, answers);
    }

    int attempts(String workflowId) {
      return attempts.getOrDefault(workflowId, new AtomicInteger()).get();
    }

    @Override
    public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(
        WorkflowClientCallsInterceptor next) {
      return new WorkflowClientCallsInterceptorBase(next) {
        @Override
        public WorkflowStartOutput start(WorkflowStartInput input) {
          String id = input.getWorkflowId();
          attempts.computeIfAbsent(id, unused -> new AtomicInteger()).incrementAndGet();
          Deque<Answer> script = scripts.get(id);
          Answer answer;
          synchronized (ScriptedStarts.this) {
            answer = script == null ? null : script.poll();
          }
          if (answer == Answer.OUTAGE) {
            throw Status.UNAVAILABLE
                .withDescription("eu-west is out of reach")
                .asRuntimeException();
          }
          if (answer == Answer.REFUSAL) {
            throw Status.INVALID_ARGUMENT
                .withDescription("WorkflowId length exceeds limit.")
                .asRuntimeException();
          }
          return super.start(input);
        }
      };
    }
  }
}
