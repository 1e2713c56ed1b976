package io.xcluster.testkit.process;

/**
 * A supervised program exited at start-up because a port it was told to listen on was taken between
 * choosing it and binding it. Starting again with freshly chosen ports is safe.
 */
public final class PortTakenAtStartException extends IllegalStateException {

  public PortTakenAtStartException(String message) {
    super(message);
  }
}
