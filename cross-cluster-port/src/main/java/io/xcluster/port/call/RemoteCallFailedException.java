package io.xcluster.port.call;

/**
 * Thrown to the calling workflow when a cross-cluster call did not complete; carries the typed
 * outcome.
 */
public final class RemoteCallFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient CallOutcome outcome;

  public RemoteCallFailedException(CallOutcome outcome) {
    super(outcome.describe());
    this.outcome = outcome;
  }

  public CallOutcome outcome() {
    return outcome;
  }

  public OutcomeKind kind() {
    return outcome.kind();
  }

  /**
   * The remote failure type for FAILED outcomes ({@code UnknownSku}, ...), otherwise the outcome
   * kind.
   */
  public String failureType() {
    return outcome.failure() != null ? outcome.failure().type() : outcome.kind().name();
  }
}
