package io.xcluster.transport.nats;

import io.nats.client.Message;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.port.spi.DeliveredOutcome;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calling side's consumer of the results stream: signals each outcome to the workflow that
 * made the call (its id is inside the call id). The workflow ignores duplicates.
 */
final class OutcomeSignaller {

  private static final Logger log = LoggerFactory.getLogger(OutcomeSignaller.class);
  private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

  private final WorkflowClient callers;
  private final DeadLetters deadLetters;

  OutcomeSignaller(WorkflowClient callers, DeadLetters deadLetters) {
    this.callers = callers;
    this.deadLetters = deadLetters;
  }

  void onMessage(Message message) {
    DeliveredOutcome delivered;
    CallId callId;
    try {
      delivered = CallPayloads.fromBytes(message.getData(), DeliveredOutcome.class);
      callId = CallId.parse(delivered.callId());
    } catch (RuntimeException undecodable) {
      deadLetters.deadLetter(message, "results", "undecodable outcome: " + undecodable.getMessage());
      return;
    }
    try {
      callers.newUntypedWorkflowStub(callId.sourceWorkflowId()).signal(CallOutcomeDelivery.SIGNAL_NAME, delivered);
      message.ack();
    } catch (WorkflowNotFoundException closed) {
      log.info("call {}: the calling workflow is gone or closed; outcome {} not needed", callId, delivered.outcome().kind());
      message.ack();
    } catch (RuntimeException unreachable) {
      log.warn("call {}: cannot signal the calling workflow, will retry: {}", callId, unreachable.toString());
      message.nakWithDelay(RETRY_DELAY);
    }
  }
}
