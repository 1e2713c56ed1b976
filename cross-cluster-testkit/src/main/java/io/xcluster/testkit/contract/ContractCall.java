package io.xcluster.testkit.contract;

import java.time.Duration;

/** What the kit's caller workflow is asked to do: call the remote once under {@code operation}. */
public record ContractCall(String operation, RemoteBehaviour behaviour, Duration remoteTimeout) {}
