package io.xcluster.localstack.stack;

import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc.WorkflowServiceBlockingStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.xcluster.testkit.process.LoopbackPorts;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The readiness check of a Temporal server process: its frontend accepts connections and answers
 * one RPC as expected.
 */
final class FrontendProbe {

  private FrontendProbe() {}

  /**
   * Whether the frontend at {@code address} (127.0.0.1:port) is up and {@code check} holds of its
   * answer (2 s deadline).
   */
  static boolean answers(String address, Predicate<WorkflowServiceBlockingStub> check) {
    if (!LoopbackPorts.accepting(Integer.parseInt(address.substring(address.indexOf(':') + 1)))) {
      return false;
    }
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
    try {
      return check.test(stubs.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS));
    } finally {
      stubs.shutdownNow();
    }
  }
}
