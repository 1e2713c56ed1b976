package io.xcluster.port.call;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One cross-cluster call as a transport sees it. The input travels as JSON so that a transport
 * never needs the remote workflow's Java types, and the remote side decodes it into its own.
 */
public record CallRequest(CallId callId, RemoteTarget target, JsonNode input) {

  public CallRequest {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(input, "input");
  }
}
