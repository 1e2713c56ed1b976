package io.xcluster.port.call;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Optional;

/**
 * What a remote run reported about its progress while its call is open, on its way back to the
 * caller. Reports travel independently and may arrive out of order or twice; the caller keeps the
 * one with the highest {@code sequence}.
 *
 * @param call the id of the call whose remote run reported (the run's workflow id, as it knows it;
 *     {@link #callId()} reads it)
 * @param sequence the report's number within the run, from 1: later reports have higher numbers
 * @param progress the report as JSON (the caller decodes it into its own type)
 * @param reportedAtMillis when the remote run reported it (its workflow clock), for latency figures
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CallProgress(String call, long sequence, JsonNode progress, long reportedAtMillis) {

  public CallProgress {
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(progress, "progress");
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence must be 1 or more, was " + sequence);
    }
  }

  /**
   * The call, parsed; empty when the reporting run is not a call (its workflow id is no call id):
   * transports drop such a report, rather than make the run's own code check it.
   */
  @JsonIgnore
  public Optional<CallId> callId() {
    try {
      return Optional.of(CallId.parse(call));
    } catch (IllegalArgumentException notACall) {
      return Optional.empty();
    }
  }

  /** Whether this report came after {@code other} in its run. */
  public boolean isNewerThan(CallProgress other) {
    return other == null || sequence > other.sequence;
  }

  /** The report decoded as the caller's own type. */
  public <T> T progressAs(Class<T> type) {
    return CallPayloads.decode(progress, type);
  }
}
