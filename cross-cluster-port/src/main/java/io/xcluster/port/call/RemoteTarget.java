package io.xcluster.port.call;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.time.Duration;
import java.util.Objects;

/**
 * Which workflow to run where: the workflow type, its task queue and namespace on the target
 * cluster, and how long the remote run may take before it counts as {@link OutcomeKind#TIMED_OUT}.
 */
public record RemoteTarget(
    String cluster,
    String namespace,
    String workflowType,
    String taskQueue,
    @JsonFormat(shape = JsonFormat.Shape.STRING) Duration executionTimeout) {

  public RemoteTarget {
    requireText("cluster", cluster);
    requireText("namespace", namespace);
    requireText("workflowType", workflowType);
    requireText("taskQueue", taskQueue);
    Objects.requireNonNull(executionTimeout, "executionTimeout");
    if (executionTimeout.isNegative() || executionTimeout.isZero()) {
      throw new IllegalArgumentException(
          "remote executionTimeout must be positive, was " + executionTimeout);
    }
  }

  private static void requireText(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("remote target " + name + " must not be blank");
    }
  }
}
