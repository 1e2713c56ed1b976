package io.xcluster.port.spi;

import io.temporal.workflow.SignalMethod;

/**
 * The signal by which callback-style transports deliver an outcome to the calling workflow. The
 * workflow-side client registers the handler itself; duplicates for a call id are ignored.
 */
public interface CallOutcomeDelivery {

  String SIGNAL_NAME = "xcluster-call-outcome";

  @SignalMethod(name = SIGNAL_NAME)
  void deliver(DeliveredOutcome delivered);
}
