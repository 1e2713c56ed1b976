package io.xcluster.replication.drill;

import io.temporal.workflow.Workflow;

/** Waits for {@code finish}; counts {@code probe}s. Deterministic: no clock, no I/O. */
public final class DrillWorkflowImpl implements DrillWorkflow {

  private boolean finished;
  private int probes;

  @Override
  public int run() {
    Workflow.await(() -> finished);
    return probes;
  }

  @Override
  public void finish() {
    finished = true;
  }

  @Override
  public void probe() {
    probes++;
  }
}
