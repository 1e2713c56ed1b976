package io.xcluster.port.workflow;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.OutcomeProtocol;
import java.time.Duration;

/** The smallest caller of the port: one call, its outcome as the result. */
@WorkflowInterface
public interface CallerWorkflow {

  String TASK_QUEUE = "caller";
  String TRANSPORT_QUEUE = "scripted-transport";
  CallRoute ROUTE =
      new CallRoute(
          "scripted",
          TRANSPORT_QUEUE,
          Duration.ofSeconds(30),
          OutcomeProtocol.RETURNED_OR_SIGNALED);
  RemoteTarget TARGET =
      new RemoteTarget("eu-west", "default", "Remote", "remote", Duration.ofHours(48));

  @WorkflowMethod
  CallOutcome call(String operation);

  @QueryMethod
  CallOutcome seenOutcome();

  final class Impl implements CallerWorkflow {
    private final CrossClusterClient crossCluster = new CrossClusterClient("us-east", () -> ROUTE);
    private CallOutcome seen;

    @Override
    public CallOutcome call(String operation) {
      seen = crossCluster.call(operation, TARGET, "parcel").get();
      return seen;
    }

    @Override
    public CallOutcome seenOutcome() {
      return seen;
    }
  }
}
