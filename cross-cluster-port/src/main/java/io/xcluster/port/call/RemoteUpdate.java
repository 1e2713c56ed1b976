package io.xcluster.port.call;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A Temporal update forwarded to the remote run of a call, as a transport sees it: sent to the
 * workflow whose id is the call id, under an update id derived from the call id and the caller's
 * request id, so a forward sent again (a retried activity, a redelivered message, the same request
 * made twice) is applied once — the remote cluster answers a known update id with its first result.
 *
 * <p>The call travels as {@code call}, not {@code callId}: a relay older than forwarded updates
 * reading one as a {@link CallRequest} fails to decode it and dead-letters it, instead of mistaking
 * it for a call.
 *
 * @param call the call whose remote run is updated
 * @param target where that run lives
 * @param updateName the remote workflow's update name
 * @param updateId the id the remote cluster deduplicates by: {@code <call id>/<update>/<request>}
 * @param argument the update's argument as JSON (the remote side decodes it into its own type)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RemoteUpdate(
    CallId call, RemoteTarget target, String updateName, String updateId, JsonNode argument) {

  public RemoteUpdate {
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(argument, "argument");
    requireText(updateName, "updateName");
    requireText(updateId, "updateId");
  }

  /**
   * The update {@code updateName} with {@code argument}, for request {@code requestId} of the
   * caller: the same request id always gives the same update id.
   */
  public static RemoteUpdate of(
      CallId call, RemoteTarget target, String updateName, String requestId, JsonNode argument) {
    requireText(requestId, "requestId");
    return new RemoteUpdate(
        call, target, updateName, call.value() + "/" + updateName + "/" + requestId, argument);
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
