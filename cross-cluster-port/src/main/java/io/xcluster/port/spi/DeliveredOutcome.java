package io.xcluster.port.spi;

import io.xcluster.port.call.CallOutcome;
import java.util.Objects;

/** Payload of the {@link CallOutcomeDelivery} signal: which call (its wire id) ended how. */
public record DeliveredOutcome(String callId, CallOutcome outcome) {

  public DeliveredOutcome {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(outcome, "outcome");
  }
}
