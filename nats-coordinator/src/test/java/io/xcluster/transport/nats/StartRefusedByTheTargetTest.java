package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.nats.client.api.MessageInfo;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.OutcomeKind;
import io.xcluster.testkit.contract.ContractParties;
import io.xcluster.testkit.contract.RemoteBehaviour;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * eu-west answers a start with a refusal that asking again will not cure (an id or payload over its
 * limits: {@code INVALID_ARGUMENT}). The relay tries it a few times, then dead-letters the call
 * with the status and tells the caller, instead of asking every few seconds for the stream's 30-day
 * retention while the caller waits in silence.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StartRefusedByTheTargetTest {

  @RegisterExtension
  final RelayBetweenEmbeddedClusters relay =
      new RelayBetweenEmbeddedClusters()
          .relayReachesTargetThrough(new RefusesStarts())
          .settings(settings -> settings.withAckWait(Duration.ofSeconds(3)));

  @Test
  void startTheTargetRefusesForGoodIsDeadLetteredAndItsCallerToldInsteadOfRetriedForever()
      throws Exception {
    NatsSettings settings = relay.settings();
    ContractParties.StartedCaller caller =
        relay.startCaller("nats-refused-" + UUID.randomUUID(), RemoteBehaviour.complete("never"));

    CallOutcome outcome = caller.stub().getResult(60, TimeUnit.SECONDS, CallOutcome.class);

    assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.describe());
    assertEquals(CallRelay.CALL_DEAD_LETTERED, outcome.failure().type());
    assertTrue(outcome.failure().message().contains("INVALID_ARGUMENT"), outcome.describe());
    MessageInfo dead =
        relay
            .observer()
            .jetStreamManagement(settings.jetStreamOptions())
            .getLastMessage(settings.deadLetterStream(), settings.deadLetterSubject("calls"));
    String reason = dead.getHeaders().getFirst(WireHeaders.DEAD_LETTER_REASON);
    assertTrue(
        reason.contains("failed " + settings.maxDeliveries() + " times: INVALID_ARGUMENT"), reason);
    assertEquals(caller.remoteWorkflowId(), callIdOf(dead));
  }

  private static String callIdOf(MessageInfo deadLetter) {
    return deadLetter.getHeaders().getFirst(WireHeaders.CALL_ID);
  }

  /** The target's answer to a workflow id over its length limit, for every start. */
  private static final class RefusesStarts extends WorkflowClientInterceptorBase {
    @Override
    public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(
        WorkflowClientCallsInterceptor next) {
      return new WorkflowClientCallsInterceptorBase(next) {
        @Override
        public WorkflowStartOutput start(WorkflowStartInput input) {
          throw Status.INVALID_ARGUMENT
              .withDescription("WorkflowId length exceeds limit.")
              .asRuntimeException();
        }
      };
    }
  }
}
