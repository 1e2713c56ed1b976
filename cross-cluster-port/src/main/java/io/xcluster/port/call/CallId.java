package io.xcluster.port.call;

import java.util.Objects;

/**
 * The deterministic identity of one cross-cluster call: {@code
 * sourceCluster:sourceWorkflowId:operation}.
 *
 * <p>It is the remote workflow id and the NATS {@code Nats-Msg-Id}, so every retry, restart or
 * redelivery of the same call lands on the same remote execution.
 */
public record CallId(String sourceCluster, String sourceWorkflowId, String operation) {

  private static final char SEPARATOR = ':';

  public CallId {
    requireSegment("sourceCluster", sourceCluster, false);
    requireSegment("sourceWorkflowId", sourceWorkflowId, true);
    requireSegment("operation", operation, false);
  }

  /**
   * Parses {@code sourceCluster:sourceWorkflowId:operation}; the workflow id may itself contain
   * ':'.
   */
  public static CallId parse(String value) {
    Objects.requireNonNull(value, "call id");
    int first = value.indexOf(SEPARATOR);
    int last = value.lastIndexOf(SEPARATOR);
    if (first < 0 || first == last) {
      throw new IllegalArgumentException(
          "call id '" + value + "' is not of the form sourceCluster:sourceWorkflowId:operation");
    }
    return new CallId(
        value.substring(0, first), value.substring(first + 1, last), value.substring(last + 1));
  }

  /** The wire form, used as remote workflow id and message id. */
  public String value() {
    return sourceCluster + SEPARATOR + sourceWorkflowId + SEPARATOR + operation;
  }

  @Override
  public String toString() {
    return value();
  }

  private static void requireSegment(String name, String segment, boolean colonAllowed) {
    if (segment == null || segment.isBlank()) {
      throw new IllegalArgumentException("call id " + name + " must not be blank");
    }
    if (!colonAllowed && segment.indexOf(SEPARATOR) >= 0) {
      throw new IllegalArgumentException(
          "call id " + name + " '" + segment + "' must not contain ':'");
    }
  }
}
