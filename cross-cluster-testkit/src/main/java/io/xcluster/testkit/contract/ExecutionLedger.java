package io.xcluster.testkit.contract;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts remote executions per workflow id from the target cluster's side: the proof that a remote
 * workflow ran exactly once per call id.
 */
@ActivityInterface
public interface ExecutionLedger {

  @ActivityMethod(name = "ContractRecordExecution")
  void recordExecution(String workflowId);

  /** The in-memory ledger shared by the kit's workers in this JVM. */
  final class InMemory implements ExecutionLedger {
    private static final Map<String, Integer> EXECUTIONS = new ConcurrentHashMap<>();

    @Override
    public void recordExecution(String workflowId) {
      EXECUTIONS.merge(workflowId, 1, Integer::sum);
    }

    public static int executionsOf(String workflowId) {
      return EXECUTIONS.getOrDefault(workflowId, 0);
    }
  }
}
