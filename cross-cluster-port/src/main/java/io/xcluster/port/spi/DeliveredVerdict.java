package io.xcluster.port.spi;

import io.xcluster.port.call.UpdateVerdict;
import java.util.Objects;

/**
 * Payload of the {@link CallOutcomeDelivery#VERDICT_SIGNAL_NAME} signal: the remote verdict on a
 * forwarded update, for transports that hand the update over instead of returning the verdict.
 */
public record DeliveredVerdict(String updateId, UpdateVerdict verdict) {

  public DeliveredVerdict {
    Objects.requireNonNull(updateId, "updateId");
    Objects.requireNonNull(verdict, "verdict");
  }
}
