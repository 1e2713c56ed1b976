package io.xcluster.port.call;

/**
 * A remote business failure: the application failure type, its message, and whether a retry may
 * help.
 */
public record RemoteFailure(String type, String message, boolean nonRetryable) {

  public RemoteFailure {
    type = type == null || type.isBlank() ? "RemoteFailure" : type;
    message = message == null ? "" : message;
  }
}
