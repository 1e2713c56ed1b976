package io.xcluster.testkit.contract;

/** What the contract kit's remote workflow does with a call: the knob each contract case turns. */
public record RemoteBehaviour(Mode mode, String payload, long holdMillis, int resultRepeat) {

  public enum Mode {
    /**
     * Return {@code "done:" + payload} at once ({@code payload} repeated {@code resultRepeat}
     * times).
     */
    COMPLETE,
    /**
     * Fail with the non-retryable business failure {@link ContractRemoteWorkflow#BUSINESS_FAILURE}.
     */
    FAIL,
    /** Sleep {@code holdMillis}, then complete. */
    HOLD,
    /** Wait for the {@code release} signal, then complete. */
    AWAIT_RELEASE
  }

  public RemoteBehaviour {
    resultRepeat = Math.max(1, resultRepeat);
  }

  public RemoteBehaviour(Mode mode, String payload, long holdMillis) {
    this(mode, payload, holdMillis, 1);
  }

  public static RemoteBehaviour complete(String payload) {
    return new RemoteBehaviour(Mode.COMPLETE, payload, 0);
  }

  /**
   * Completes with a result of {@code payload} repeated {@code times}: a large result from a small
   * call.
   */
  public static RemoteBehaviour completeRepeated(String payload, int times) {
    return new RemoteBehaviour(Mode.COMPLETE, payload, 0, times);
  }

  public static RemoteBehaviour fail(String payload) {
    return new RemoteBehaviour(Mode.FAIL, payload, 0);
  }

  public static RemoteBehaviour hold(String payload, long millis) {
    return new RemoteBehaviour(Mode.HOLD, payload, millis);
  }

  public static RemoteBehaviour awaitRelease(String payload) {
    return new RemoteBehaviour(Mode.AWAIT_RELEASE, payload, 0);
  }
}
