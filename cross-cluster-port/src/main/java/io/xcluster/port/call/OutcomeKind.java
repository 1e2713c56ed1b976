package io.xcluster.port.call;

/** How a remote workflow ended. Transport trouble is never one of these: it is retried. */
public enum OutcomeKind {
  COMPLETED,
  FAILED,
  TIMED_OUT,
  CANCELED
}
