package io.xcluster.port.workflow;

/**
 * What canceling the calling workflow's scope around a call does to the remote run, and when the
 * call's promise settles as canceled — with the meaning Temporal Nexus gives its four types.
 */
public enum CallCancellationType {
  /**
   * The remote run is left alone (it goes on, and its outcome is dropped); the call settles
   * canceled at once. For work that must finish whatever the caller decides.
   */
  ABANDON,

  /**
   * The remote run is asked to cancel, and the call settles canceled at once, without waiting for
   * the request to arrive. The request is sent by an activity of the calling workflow: if that
   * workflow ends right away, the request may never go out — use {@link #WAIT_REQUESTED} when it
   * must.
   */
  TRY_CANCEL,

  /**
   * The remote run is asked to cancel; the call settles canceled once the request was delivered:
   * the target cluster accepted it (bridge, direct), or the broker stored it for the relay (NATS).
   * How the remote run then ends is not awaited.
   */
  WAIT_REQUESTED,

  /**
   * The remote run is asked to cancel, and the call settles with how it really ended: canceled, or
   * completed if it finished first. The default.
   */
  WAIT_COMPLETED
}
