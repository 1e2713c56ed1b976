package io.xcluster.port.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import io.xcluster.port.call.UpdateVerdict;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A forward for an operation no call was made for is rejected at once, and its reason reads the
 * same on every worker: workflow code must not depend on the JVM's default locale (a worker under
 * tr-TR lower-cased SIGNAL to "sıgnal").
 */
class ForwardWithoutACallTest {

  @WorkflowInterface
  public interface ForwardingWorkflow {
    @WorkflowMethod
    UpdateVerdict forwardSignalWithoutACall();
  }

  public static final class ForwardingWorkflowImpl implements ForwardingWorkflow {
    private final CrossClusterClient crossCluster =
        new CrossClusterClient("us-east", () -> CallerWorkflow.ROUTE);

    @Override
    public UpdateVerdict forwardSignalWithoutACall() {
      return crossCluster.forwardSignal("fulfillment", "address-changed", "r-1", "Paris").get();
    }
  }

  @Test
  void isRejectedWithAReasonThatDoesNotDependOnTheWorkersLocale() {
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.forLanguageTag("tr-TR"));
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      env.newWorker("forwarding").registerWorkflowImplementationTypes(ForwardingWorkflowImpl.class);
      env.start();
      UpdateVerdict verdict =
          env.getWorkflowClient()
              .newWorkflowStub(
                  ForwardingWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setTaskQueue("forwarding")
                      .setWorkflowId("order-1")
                      .build())
              .forwardSignalWithoutACall();

      assertEquals(UpdateVerdict.NO_CALL, verdict.rejectionType());
      assertEquals("no call us-east:order-1:fulfillment has been made to signal", verdict.reason());
    } finally {
      Locale.setDefault(before);
    }
  }
}
