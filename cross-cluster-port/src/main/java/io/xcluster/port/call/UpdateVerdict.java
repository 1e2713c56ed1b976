package io.xcluster.port.call;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * How the remote run answered a forwarded update: accepted with the update's result, or rejected
 * with the remote side's reason (its validator refused, its handler failed, or the run had already
 * ended). A transport outage is never a verdict: the forward is retried until the remote answers.
 * Forwarded signals and queries are answered the same way: a signal is accepted (no result) once
 * the remote cluster has it; a query is accepted with the remote run's answer, or {@link
 * #UNREACHABLE} when none came within its timeout.
 *
 * @param result the update's result when accepted; null otherwise
 * @param rejectionType the remote failure's type when rejected (e.g. the validator's {@code
 *     ApplicationFailure} type), or {@link #REMOTE_RUN_ENDED} / {@link #NO_CALL}; null when
 *     accepted
 * @param reason the remote side's own words when rejected; null when accepted
 */
public record UpdateVerdict(
    boolean accepted, JsonNode result, String rejectionType, String reason) {

  /** The call's remote run had ended before the update reached it. */
  public static final String REMOTE_RUN_ENDED = "RemoteRunEnded";

  /** The calling workflow has made no such call (or not yet), so there is nothing to update. */
  public static final String NO_CALL = "NoSuchCall";

  /**
   * The remote validator refused, and its failure type did not survive: Temporal's Java SDK up to
   * 1.38.0 sends a validator's refusal with the type of its own wrapper (sdk-java#2875, fixed after
   * 1.38.0); the reason, the remote side's own words, does survive.
   */
  public static final String REJECTED = "UpdateRejected";

  /** A forwarded query's handler failed remotely, or the remote run has no such query. */
  public static final String QUERY_FAILED = "QueryFailed";

  /**
   * No answer to a forwarded query within its timeout: the transport or the target cluster is down,
   * or the remote run has not started yet. Queries are not retried past their timeout.
   */
  public static final String UNREACHABLE = "RemoteUnreachable";

  /**
   * The call's remote run never started: its call was canceled before it started, or had not
   * started long after the update was sent. The transport gives the update up rather than hold it
   * for ever; the caller may send it again.
   */
  public static final String REMOTE_RUN_NEVER_STARTED = "RemoteRunNeverStarted";

  /** The verdict itself was too large to carry back; the remote run did receive the update. */
  public static final String VERDICT_UNDELIVERABLE = "VerdictUndeliverable";

  /** The transport carrying the call cannot forward updates. */
  public static final String NOT_SUPPORTED = "UpdateNotSupported";

  public static UpdateVerdict accepted(JsonNode result) {
    return new UpdateVerdict(true, result, null, null);
  }

  public static UpdateVerdict rejected(String type, String reason) {
    return new UpdateVerdict(false, null, type, reason);
  }

  /** The result decoded as the caller's own type. */
  public <R> R resultAs(Class<R> type) {
    if (!accepted) {
      throw new IllegalStateException("the update was rejected (" + rejectionType + "): " + reason);
    }
    return result == null || result.isNull() ? null : CallPayloads.decode(result, type);
  }

  /** One line for a log or an error: accepted, or the type and reason of the rejection. */
  @JsonIgnore
  public String describe() {
    return accepted ? "accepted" : "rejected (" + rejectionType + "): " + reason;
  }
}
