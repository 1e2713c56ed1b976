package io.xcluster.testkit.contract;

import io.xcluster.port.workflow.CallCancellationType;
import java.time.Duration;

/**
 * What the kit's caller workflow is asked to do: call the remote once under {@code operation}, with
 * {@code cancellation} (absent: {@link CallCancellationType#WAIT_COMPLETED}); when it {@code
 * staysOpen}, the caller runs on after the outcome until it is {@linkplain
 * ContractCallerWorkflow#finish() finished}, so what reaches it later still lands in its history.
 */
public record ContractCall(
    String operation,
    RemoteBehaviour behaviour,
    Duration remoteTimeout,
    CallCancellationType cancellation,
    boolean staysOpen) {

  public ContractCall {
    cancellation = cancellation == null ? CallCancellationType.WAIT_COMPLETED : cancellation;
  }

  public ContractCall(
      String operation,
      RemoteBehaviour behaviour,
      Duration remoteTimeout,
      CallCancellationType cancellation) {
    this(operation, behaviour, remoteTimeout, cancellation, false);
  }

  public ContractCall(String operation, RemoteBehaviour behaviour, Duration remoteTimeout) {
    this(operation, behaviour, remoteTimeout, null);
  }

  /** The same call, its caller running on after the outcome until finished. */
  public ContractCall stayingOpen() {
    return new ContractCall(operation, behaviour, remoteTimeout, cancellation, true);
  }
}
