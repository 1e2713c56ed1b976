package io.xcluster.port.call;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A message forwarded to the remote run of a call, as a transport sees it: a Temporal update, a
 * signal or a query ({@link #kind}), sent to the workflow whose id is the call id. Updates and
 * signals go under an id derived from the call id and the caller's request id, so a forward sent
 * again (a retried activity, a redelivered message, the same request made twice) is applied once:
 * the remote cluster answers a known update id with its first result, and drops a signal whose
 * request id it has already seen. Queries change nothing and carry a fresh id each.
 *
 * <p>All three travel the same way on every transport (the transport forwards; the target side's
 * {@link io.xcluster.port.remote.RemoteRuns#forward} tells them apart), so a transport that
 * forwards updates forwards signals and queries too.
 *
 * <p>The call travels as {@code call}, not {@code callId}: a relay older than forwarded updates
 * reading one as a {@link CallRequest} fails to decode it and dead-letters it, instead of mistaking
 * it for a call.
 *
 * @param call the call whose remote run is updated
 * @param target where that run lives
 * @param updateName the remote workflow's update, signal or query name
 * @param updateId the id the remote cluster deduplicates by: {@code <call id>/<name>/<request>}
 * @param argument the argument as JSON (the remote side decodes it into its own type)
 * @param kind what is forwarded; absent (a caller older than signals and queries): an update
 * @param answerBy for a query, when its caller stops waiting (epoch milliseconds, the caller's
 *     workflow clock): a transport that would answer later drops it instead, since a late answer is
 *     of no use and still costs the caller a history event; absent: no deadline
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RemoteUpdate(
    CallId call,
    RemoteTarget target,
    String updateName,
    String updateId,
    JsonNode argument,
    Kind kind,
    Long answerBy) {

  /**
   * An answer this late is still sent: the clocks of the calling workflow and of the transport
   * differ a little, and {@code answerBy} is taken when the caller's workflow task starts, a little
   * before its timer does.
   */
  public static final long CLOCK_SLACK_MILLIS = 1_000;

  /** What a forward asks of the remote run. */
  public enum Kind {
    /** A Temporal update: validated remotely, answered with its result or the remote reason. */
    UPDATE,
    /** A Temporal signal: delivered once, answered as soon as the remote cluster has it. */
    SIGNAL,
    /** A Temporal query: answered with the remote run's state; changes nothing. */
    QUERY
  }

  public RemoteUpdate {
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(argument, "argument");
    requireText(updateName, "updateName");
    requireText(updateId, "updateId");
    kind = kind == null ? Kind.UPDATE : kind;
  }

  /**
   * The update {@code updateName} with {@code argument}, for request {@code requestId} of the
   * caller: the same request id always gives the same update id.
   */
  public static RemoteUpdate of(
      CallId call, RemoteTarget target, String updateName, String requestId, JsonNode argument) {
    return of(Kind.UPDATE, call, target, updateName, requestId, argument);
  }

  /**
   * The {@code kind} forward of {@code name} with {@code argument}, for request {@code requestId}
   * of the caller: the same request id always gives the same id.
   */
  public static RemoteUpdate of(
      Kind kind,
      CallId call,
      RemoteTarget target,
      String name,
      String requestId,
      JsonNode argument) {
    requireText(requestId, "requestId");
    return new RemoteUpdate(
        call, target, name, call.value() + "/" + name + "/" + requestId, argument, kind, null);
  }

  /** This forward, to be answered by {@code epochMillis} or not at all. */
  public RemoteUpdate answeredBy(long epochMillis) {
    return new RemoteUpdate(call, target, updateName, updateId, argument, kind, epochMillis);
  }

  /**
   * Whether its caller stopped waiting more than {@link #CLOCK_SLACK_MILLIS} before {@code
   * nowMillis}: then nobody takes the answer.
   */
  public boolean callerGaveUpBefore(long nowMillis) {
    return answerBy != null && nowMillis - CLOCK_SLACK_MILLIS > answerBy;
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }
}
