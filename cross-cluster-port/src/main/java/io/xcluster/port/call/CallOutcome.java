package io.xcluster.port.call;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * The typed outcome of a cross-cluster call. Exactly one of {@code result} (for COMPLETED) and
 * {@code failure} (for FAILED) is set; TIMED_OUT and CANCELED carry neither.
 */
public record CallOutcome(OutcomeKind kind, JsonNode result, RemoteFailure failure) {

  public CallOutcome {
    Objects.requireNonNull(kind, "kind");
    if (kind == OutcomeKind.COMPLETED && result == null) {
      throw new IllegalArgumentException("a COMPLETED outcome needs a result");
    }
    if (kind == OutcomeKind.FAILED && failure == null) {
      throw new IllegalArgumentException("a FAILED outcome needs a failure");
    }
  }

  public static CallOutcome completed(JsonNode result) {
    return new CallOutcome(OutcomeKind.COMPLETED, result, null);
  }

  public static CallOutcome failed(String type, String message, boolean nonRetryable) {
    return new CallOutcome(
        OutcomeKind.FAILED, null, new RemoteFailure(type, message, nonRetryable));
  }

  public static CallOutcome timedOut() {
    return new CallOutcome(OutcomeKind.TIMED_OUT, null, null);
  }

  public static CallOutcome canceled() {
    return new CallOutcome(OutcomeKind.CANCELED, null, null);
  }

  @JsonIgnore
  public boolean isCompleted() {
    return kind == OutcomeKind.COMPLETED;
  }

  /**
   * The remote result decoded into the caller's own type, or a {@link RemoteCallFailedException}
   * the calling workflow can catch.
   */
  public <R> R resultOrThrow(Class<R> type) {
    if (!isCompleted()) {
      throw new RemoteCallFailedException(this);
    }
    return CallPayloads.decode(result, type);
  }

  /** One line for logs and order status: {@code FAILED UnknownSku: unknown SKU 'X'}. */
  public String describe() {
    return switch (kind) {
      case COMPLETED -> "COMPLETED";
      case FAILED -> "FAILED " + failure.type() + ": " + failure.message();
      case TIMED_OUT -> "TIMED_OUT: the remote workflow ran past its execution timeout";
      case CANCELED -> "CANCELED: the remote workflow was canceled";
    };
  }
}
