package io.xcluster.runtime.launch;

/** A transport started in this JVM. */
public interface RunningTransport extends AutoCloseable {

  /** Stops at once, completing nothing and saying goodbye to no one, like SIGKILL. */
  void kill();

  /** Stops gently: lets what it is doing finish (within its own grace period). */
  @Override
  void close();

  /**
   * Calls this process holds open right now (those waiting for their remote run), or -1 if it keeps
   * none.
   */
  default int heldCalls() {
    return -1;
  }
}
