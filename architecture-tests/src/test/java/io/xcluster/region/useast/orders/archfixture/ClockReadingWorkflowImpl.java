package io.xcluster.region.useast.orders.archfixture;

/** Breaks the determinism rule on purpose, so {@code RulesBiteTest} can show it catches it. Never run. */
public final class ClockReadingWorkflowImpl implements ClockReadingWorkflow {

  @Override
  public long now() {
    return System.currentTimeMillis();
  }
}
