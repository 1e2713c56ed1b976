package io.xcluster.localstack.realstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.spi.DeliveredOutcome;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.transport.nats.NatsSettings;
import java.time.Duration;
import java.util.Optional;

/**
 * The NATS coordinator passes the transport contract kit on two real Temporal servers and a real
 * nats-server. (Its broker-only cases — dead letters, broker restart, redelivery — run in its own
 * module on embedded clusters; the fault drills restart the broker on real servers.)
 */
class NatsContractOnRealServersIT extends ContractOnRealServers {

  @Override
  String transport() {
    return "nats";
  }

  @Override
  Duration heartbeatTimeout() {
    return Duration.ofSeconds(5);
  }

  /**
   * The call's outcome message copied back onto its results subject as a new message — what the
   * calling side receives when it died between signalling an outcome and acknowledging it, or when
   * a relay publishes the outcome again past the duplicate window — and taken by the calling side.
   */
  @Override
  protected Optional<OutcomeRepeater> outcomeRepeater() {
    return Optional.of(
        caller -> {
          NatsSettings settings = NatsSettings.defaults(natsUrl());
          try (Connection nats = Nats.connect(natsUrl())) {
            JetStreamManagement management = nats.jetStreamManagement();
            MessageInfo original =
                management.getLastMessage(
                    settings.resultsStream(), settings.resultsSubject(ContractClusters.SOURCE));
            assertEquals(
                caller.remoteWorkflowId(),
                CallPayloads.fromBytes(original.getData(), DeliveredOutcome.class).callId(),
                "the last message on the results subject is the call's outcome");
            Headers headers = new Headers(original.getHeaders());
            headers.remove("Nats-Msg-Id"); // a new message for the broker, the same for the rest
            PublishAck copy =
                nats.jetStream().publish(original.getSubject(), headers, original.getData());
            assertFalse(copy.isDuplicate(), "the broker stored the copy");
            // the calling side's durable consumer of outcomes
            String consumer = ContractClusters.SOURCE + "-outcomes";
            awaitCondition(
                "the calling side has acknowledged the copy",
                () -> {
                  try {
                    return management
                            .getConsumerInfo(settings.resultsStream(), consumer)
                            .getAckFloor()
                            .getStreamSequence()
                        >= copy.getSeqno();
                  } catch (Exception notYet) {
                    return false;
                  }
                });
          } catch (Exception e) {
            throw new AssertionError("cannot publish the outcome of " + caller.workflowId(), e);
          }
        });
  }
}
