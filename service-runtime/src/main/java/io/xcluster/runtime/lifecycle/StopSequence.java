package io.xcluster.runtime.lifecycle;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * What a process started, stopped in reverse order: workers before the connections they use,
 * connections before the servers they reach. A step that fails to stop is reported and the rest
 * still stop.
 */
public final class StopSequence implements AutoCloseable {

  private final Deque<AutoCloseable> steps = new ArrayDeque<>();
  private final Consumer<String> report;

  /**
   * @param report where a failure to stop something is told (a logger, stderr)
   */
  public StopSequence(Consumer<String> report) {
    this.report = report;
  }

  /** Registers {@code step} to stop before everything registered earlier. */
  public void add(AutoCloseable step) {
    steps.push(step);
  }

  @Override
  public void close() {
    while (!steps.isEmpty()) {
      try {
        steps.pop().close();
      } catch (Exception e) {
        report.accept("while stopping: " + e);
      }
    }
  }
}
