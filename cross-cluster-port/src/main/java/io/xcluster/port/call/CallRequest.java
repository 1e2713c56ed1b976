package io.xcluster.port.call;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One cross-cluster call as a transport sees it. The input travels as JSON so that a transport
 * never needs the remote workflow's Java types, and the remote side decodes it into its own.
 *
 * @param handoverAllowed the caller takes the outcome as a signal if the transport hands the call
 *     over instead of returning it (false in requests recorded before callers could, which the
 *     transport must then hold until the remote run ends)
 */
public record CallRequest(
    CallId callId, RemoteTarget target, JsonNode input, boolean handoverAllowed) {

  public CallRequest {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(input, "input");
  }

  /** A request whose caller wants the outcome returned by the activity. */
  public CallRequest(CallId callId, RemoteTarget target, JsonNode input) {
    this(callId, target, input, false);
  }
}
