package io.xcluster.port.spi;

import java.util.Objects;

/**
 * Payload of the {@link CallOutcomeDelivery#WAITING_SIGNAL_NAME} signal: a transport that holds a
 * handed-over call back (a cap, an open circuit breaker, an unreachable target) tells the calling
 * workflow why, so the caller's own status can say it; the call itself is not touched. A notice
 * without a reason says the call went through after all.
 *
 * @param callId the call's wire id
 * @param reason why the call waits, in the transport's words; null once it went through
 * @param blocked true when the transport turned the call away on purpose (a cap, an open breaker);
 *     false when a try failed (the target did not answer)
 * @param attempt how many times the transport has tried the call so far (the broker's delivery
 *     count): of two notices the later attempt stands, notices may arrive out of order
 * @param noticedAtMillis when the transport noticed, epoch millis; decides between notices of one
 *     attempt
 * @param nextAttemptAtMillis when the transport tries again, epoch millis; null when it cannot say
 */
public record CallWaitingNotice(
    String callId,
    String reason,
    boolean blocked,
    int attempt,
    long noticedAtMillis,
    Long nextAttemptAtMillis) {

  public CallWaitingNotice {
    Objects.requireNonNull(callId, "callId");
  }

  /** The call went through after all: whatever held it back is over. */
  public static CallWaitingNotice wentThrough(String callId, int attempt, long atMillis) {
    return new CallWaitingNotice(callId, null, false, attempt, atMillis, null);
  }

  /**
   * Which of two notices about a call stands: the later attempt (the broker counts them, whichever
   * relay sent the notice, so no clock decides), then the later notice, then the one that ends the
   * wait.
   */
  public boolean isNewerThan(CallWaitingNotice other) {
    if (attempt != other.attempt) {
      return attempt > other.attempt;
    }
    if (noticedAtMillis != other.noticedAtMillis) {
      return noticedAtMillis > other.noticedAtMillis;
    }
    return endsTheWait();
  }

  /**
   * True when the call waits no longer (not named as a getter: it is no field of the wire form).
   */
  public boolean endsTheWait() {
    return reason == null;
  }
}
