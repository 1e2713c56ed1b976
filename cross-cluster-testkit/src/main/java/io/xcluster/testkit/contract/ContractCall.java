package io.xcluster.testkit.contract;

import io.xcluster.port.workflow.CallCancellationType;
import java.time.Duration;

/**
 * What the kit's caller workflow is asked to do: call the remote once under {@code operation}, with
 * {@code cancellation} (absent: {@link CallCancellationType#WAIT_COMPLETED}).
 */
public record ContractCall(
    String operation,
    RemoteBehaviour behaviour,
    Duration remoteTimeout,
    CallCancellationType cancellation) {

  public ContractCall {
    cancellation = cancellation == null ? CallCancellationType.WAIT_COMPLETED : cancellation;
  }

  public ContractCall(String operation, RemoteBehaviour behaviour, Duration remoteTimeout) {
    this(operation, behaviour, remoteTimeout, null);
  }
}
