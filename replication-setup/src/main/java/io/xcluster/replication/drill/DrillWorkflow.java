package io.xcluster.replication.drill;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** A workflow that waits to be told to finish — on whichever cluster is active by then. */
@WorkflowInterface
public interface DrillWorkflow {

  String TYPE = "ReplicationDrillWorkflow";
  String FINISH = "finish";
  String PROBE = "probe";

  /** Returns how many probe signals it saw, once {@link #finish()} arrives. */
  @WorkflowMethod(name = TYPE)
  int run();

  @SignalMethod(name = FINISH)
  void finish();

  /** A harmless write: what the drill sends to learn when a cluster starts accepting writes. */
  @SignalMethod(name = PROBE)
  void probe();
}
