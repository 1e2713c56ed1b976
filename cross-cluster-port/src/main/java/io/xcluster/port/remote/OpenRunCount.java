package io.xcluster.port.remote;

import java.util.Optional;

/** The destination's open runs as last counted: what a cap on open calls is kept against. */
public interface OpenRunCount {

  /**
   * The open runs of every counted type together, and when the count was asked for ({@link
   * System#nanoTime()}): runs started since may not be in it.
   */
  record Count(long open, long askedAtNanos) {}

  /** The latest count, empty until one succeeded (and for good when the target cannot count). */
  Optional<Count> lastCount();

  /** Whether the target refused to count (no advanced visibility): a cap cannot be kept then. */
  boolean cannotCount();
}
