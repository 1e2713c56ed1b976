package io.xcluster.port.spi;

import io.temporal.workflow.SignalMethod;

/**
 * The signals by which callback-style transports deliver an outcome to the calling workflow, and
 * say meanwhile why a handed-over call waits and how far its remote run has got. The workflow-side
 * client registers the handlers itself; duplicate outcomes for a call id are ignored, and so are
 * waiting notices that come after the outcome or are older than the last one.
 */
public interface CallOutcomeDelivery {

  String SIGNAL_NAME = "xcluster-call-outcome";

  String WAITING_SIGNAL_NAME = "xcluster-call-waiting";

  String VERDICT_SIGNAL_NAME = "xcluster-update-verdict";

  String PROGRESS_SIGNAL_NAME = "xcluster-call-progress";

  @SignalMethod(name = SIGNAL_NAME)
  void deliver(DeliveredOutcome delivered);

  /**
   * The request id a transport signals a call's outcome under ({@link
   * io.xcluster.port.remote.SignalOnce}): the same for every attempt, so the calling run records
   * one outcome signal however often it is sent.
   */
  static String outcomeRequestId(String callId) {
    return SIGNAL_NAME + ":" + callId;
  }

  @SignalMethod(name = WAITING_SIGNAL_NAME)
  void waiting(CallWaitingNotice notice);

  /** The remote verdict on a forwarded update that the transport handed over. */
  @SignalMethod(name = VERDICT_SIGNAL_NAME)
  void verdict(DeliveredVerdict delivered);

  /** A progress report of a call's remote run; older or repeated reports are ignored. */
  @SignalMethod(name = PROGRESS_SIGNAL_NAME)
  void progress(io.xcluster.port.call.CallProgress progress);
}
