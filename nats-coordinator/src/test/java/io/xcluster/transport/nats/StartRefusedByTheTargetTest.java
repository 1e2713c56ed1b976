package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.Status;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import io.temporal.worker.WorkerFactory;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.OutcomeKind;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ConnectionInterceptors;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.ContractParties;
import io.xcluster.testkit.contract.ContractRemoteWorkflow;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.testkit.nats.LocalNatsServer;
import io.xcluster.tracing.ServiceTracing;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * eu-west answers a start with a refusal that asking again will not cure (an id or payload over its
 * limits: {@code INVALID_ARGUMENT}). The relay tries it a few times, then dead-letters the call
 * with the status and tells the caller, instead of asking every few seconds for the stream's 30-day
 * retention while the caller waits in silence.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StartRefusedByTheTargetTest {

  @Test
  void startTheTargetRefusesForGoodIsDeadLetteredAndItsCallerToldInsteadOfRetriedForever()
      throws Exception {
    assumeTrue(LocalNatsServer.availableForTests(), "needs nats-server");
    try (LocalNatsServer nats = LocalNatsServer.startThrowAway();
        ContractClusters clusters = ContractClusters.embedded();
        Connection observer = Nats.connect(nats.url())) {
      ClusterConnection source = clusters.connectSource();
      ClusterConnection target = clusters.connectTarget();
      ClusterConnection refusingTarget =
          ClusterConnection.open(
              clusters.target(),
              new ConnectionInterceptors(List.of(new RefusesStarts()), List.of()));
      WorkerFactory callers =
          ContractParties.startCallers(source, NatsTransportContractTest.quickRoute());
      WorkerFactory remotes = ContractParties.startRemotes(target);
      NatsSettings settings =
          NatsSettings.defaults(nats.url())
              .allowing(Set.of(ContractRemoteWorkflow.TYPE))
              .withAckWait(Duration.ofSeconds(3));
      NatsCoordinator coordinator =
          NatsCoordinator.start(
              settings, source, refusingTarget, ContractClusters.TARGET, ServiceTracing.disabled());
      try {
        ContractParties.StartedCaller caller =
            ContractParties.startCaller(
                source.client(),
                "nats-refused-" + UUID.randomUUID(),
                "fulfil",
                RemoteBehaviour.complete("never"),
                Duration.ofMinutes(10));

        CallOutcome outcome = caller.stub().getResult(60, TimeUnit.SECONDS, CallOutcome.class);

        assertEquals(OutcomeKind.FAILED, outcome.kind(), outcome.describe());
        assertEquals(CallRelay.CALL_DEAD_LETTERED, outcome.failure().type());
        assertTrue(outcome.failure().message().contains("INVALID_ARGUMENT"), outcome.describe());
        MessageInfo dead =
            observer
                .jetStreamManagement(settings.jetStreamOptions())
                .getLastMessage(settings.deadLetterStream(), settings.deadLetterSubject("calls"));
        String reason = dead.getHeaders().getFirst(WireHeaders.DEAD_LETTER_REASON);
        assertTrue(
            reason.contains("failed " + settings.maxDeliveries() + " times: INVALID_ARGUMENT"),
            reason);
        assertEquals(caller.remoteWorkflowId(), callIdOf(dead));
      } finally {
        coordinator.kill();
        callers.shutdownNow();
        remotes.shutdownNow();
        refusingTarget.closeNow();
        source.closeNow();
        target.closeNow();
      }
    }
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
