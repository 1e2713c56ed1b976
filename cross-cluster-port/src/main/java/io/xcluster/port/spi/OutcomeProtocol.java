package io.xcluster.port.spi;

/**
 * How a transport's call activity gives the calling workflow the remote outcome. Recorded in the
 * calling workflow's history with its {@link CallRoute}, so a running call keeps the protocol it
 * started with.
 */
public enum OutcomeProtocol {

  /**
   * The call activity returns the outcome; returning nothing breaks the port's contract (the bridge
   * before callbacks).
   */
  RETURNED_BY_ACTIVITY,

  /**
   * The call activity returns nothing once the call is durably handed over, and the outcome follows
   * as a {@link CallOutcomeDelivery} signal (a broker).
   */
  SIGNALED_AFTER_HANDOVER,

  /**
   * The transport decides per call: its activity returns the outcome, or returns nothing once the
   * remote run will report its end by itself (a completion callback), the outcome then following as
   * a {@link CallOutcomeDelivery} signal. While handed over, the client asks the transport for the
   * outcome again now and then, in case the report never comes (the bridge).
   */
  RETURNED_OR_SIGNALED;

  /** Whether the call activity may return nothing and leave the outcome to a signal. */
  public boolean allowsHandover() {
    return this != RETURNED_BY_ACTIVITY;
  }

  /** Whether the call activity may hold the call open until the remote run ends. */
  public boolean activityMayHoldTheCall() {
    return this != SIGNALED_AFTER_HANDOVER;
  }
}
