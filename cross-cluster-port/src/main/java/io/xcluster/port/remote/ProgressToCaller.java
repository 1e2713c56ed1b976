package io.xcluster.port.remote;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.CallProgress;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.port.spi.CrossClusterProgressActivity;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress reports signalled straight to the calling workflow, for transports that hold a client to
 * the calling cluster (the bridge, the direct transport). A caller that has closed no longer needs
 * them; an outage of the calling cluster fails the activity, and Temporal retries it.
 */
public final class ProgressToCaller implements CrossClusterProgressActivity {

  private static final Logger log = LoggerFactory.getLogger(ProgressToCaller.class);

  private final WorkflowClient callers;

  public ProgressToCaller(WorkflowClient callers) {
    this.callers = callers;
  }

  @Override
  public void report(CallProgress progress) {
    Optional<CallId> parsed = progress.callId();
    if (parsed.isEmpty()) {
      log.warn("progress report from {} dropped: that run is not a call", progress.call());
      return;
    }
    CallId call = parsed.get();
    try {
      callers
          .newUntypedWorkflowStub(call.sourceWorkflowId())
          .signal(CallOutcomeDelivery.PROGRESS_SIGNAL_NAME, progress);
    } catch (WorkflowNotFoundException closed) {
      log.debug(
          "call {}: the caller has closed; progress {} dropped",
          progress.call(),
          progress.sequence());
    }
  }
}
