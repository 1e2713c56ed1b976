package io.xcluster.port.call;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One cross-cluster call as a transport sees it. The input travels as JSON so that a transport
 * never needs the remote workflow's Java types, and the remote side decodes it into its own.
 *
 * @param handoverAllowed the caller takes the outcome as a signal if the transport hands the call
 *     over instead of returning it (false in requests recorded before callers could, which the
 *     transport must then hold until the remote run ends)
 * @param attachOnly the caller canceled before any attempt said it started the remote run: the
 *     transport must not start it, only attach to one an earlier attempt may have started, and
 *     answer {@link CallOutcome#canceled()} when there is none (absent, so false, in every other
 *     request)
 */
// a field added later (as attachOnly was) must not make an older reader fail the whole request
@JsonIgnoreProperties(ignoreUnknown = true)
public record CallRequest(
    CallId callId,
    RemoteTarget target,
    JsonNode input,
    boolean handoverAllowed,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean attachOnly) {

  public CallRequest {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(input, "input");
  }

  /** A request that may start the remote run. */
  public CallRequest(CallId callId, RemoteTarget target, JsonNode input, boolean handoverAllowed) {
    this(callId, target, input, handoverAllowed, false);
  }

  /** A request whose caller wants the outcome returned by the activity. */
  public CallRequest(CallId callId, RemoteTarget target, JsonNode input) {
    this(callId, target, input, false);
  }

  /** The same call, asked again after the caller canceled: attach to its run, never start one. */
  public CallRequest asAttachOnly() {
    return new CallRequest(callId, target, input, handoverAllowed, true);
  }
}
