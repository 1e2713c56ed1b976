package io.xcluster.transport.bridge.callback;

import io.xcluster.port.call.CallId;
import java.time.Instant;

/** Passes a finished call's outcome on to its caller: the callback endpoint's only way out. */
public interface OutcomeRelay {

  /** What became of one relay. */
  enum Relayed {
    /** The caller was signaled (or had already closed: nothing is left to tell it). */
    DELIVERED,
    /** The remote run has not ended: the POST came too early, or is not what it claims. */
    RUN_STILL_OPEN,
    /** A cluster did not answer: the target cluster should try again later. */
    UNAVAILABLE
  }

  /**
   * @param remoteStart when the remote run started, as the callback says (null when it does not):
   *     for the outcome latency metric only, never for the outcome
   */
  Relayed relay(CallId callId, Instant remoteStart);
}
