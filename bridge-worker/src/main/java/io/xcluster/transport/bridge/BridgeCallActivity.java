package io.xcluster.transport.bridge;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import io.xcluster.port.remote.RemoteRuns;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.spi.CrossClusterCallActivity;
import io.xcluster.tracing.CallSpans;
import io.opentelemetry.api.trace.Span;

/**
 * The bridge's side of the port: starts (or attaches to) the remote workflow on the activity
 * thread, then returns that thread at once and completes the activity asynchronously when the
 * remote run ends.
 */
final class BridgeCallActivity implements CrossClusterCallActivity {

  static final String MISROUTED_CALL = "MisroutedCall";

  private final ClusterEndpoint target;
  private final RemoteRuns remote;
  private final InFlightCalls inFlight;

  BridgeCallActivity(ClusterEndpoint target, RemoteRuns remote, InFlightCalls inFlight) {
    this.target = target;
    this.remote = remote;
    this.inFlight = inFlight;
  }

  @Override
  public CallOutcome call(CallRequest request) {
    requireOurTarget(request);
    CallSpans.tag(Span.current(), request.callId(), request.target().cluster(), BridgeTransport.NAME);
    ActivityExecutionContext context = Activity.getExecutionContext();
    var remoteRun = remote.startOrAttach(request);
    context.doNotCompleteOnReturn();
    inFlight.hold(context.getTaskToken(), request, remoteRun, context.getInfo().getHeartbeatTimeout());
    return null; // ignored: the activity completes when the remote run ends
  }

  @Override
  public void cancel(CallRequest request) {
    requireOurTarget(request);
    remote.requestCancel(request);
  }

  /** A call for another cluster or namespace is a deployment error: fail it loudly, never retry. */
  private void requireOurTarget(CallRequest request) {
    if (!request.target().cluster().equals(target.name()) || !request.target().namespace().equals(target.namespace())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "call " + request.callId() + " is for " + request.target().cluster() + "/" + request.target().namespace()
              + " but this bridge serves " + target.name() + "/" + target.namespace(),
          MISROUTED_CALL);
    }
  }
}
