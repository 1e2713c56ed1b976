package io.xcluster.transport.nats;

import io.nats.client.JetStreamApiException;
import io.xcluster.port.spi.TransportMetrics;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Which failures are waited out for as long as they last: the target or calling cluster out of
 * reach ({@link TransportMetrics#isOutage}), or the broker (an I/O failure, a timeout, a JetStream
 * error of its own such as a leader election). Anything else — a refusal such as {@code
 * INVALID_ARGUMENT}, a fault in the relay — will not heal by asking again: it counts toward {@link
 * NatsSettings#maxDeliveries()} and then goes to the dead letters.
 */
final class Outages {

  private Outages() {}

  static boolean isOutage(Throwable failure) {
    if (TransportMetrics.isOutage(failure)) {
      return true;
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException
          || cause instanceof TimeoutException
          || cause instanceof InterruptedException
          || (cause instanceof JetStreamApiException api
              && ElectionTolerantPublisher.isTransient(api))) {
        return true;
      }
    }
    return false;
  }
}
