package io.xcluster.port.workflow;

import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CallWaitingNotice;
import io.xcluster.port.spi.DeliveredOutcome;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The workflow-side end of the port: create one per workflow execution (as a field), then {@link
 * #call} returns a {@link Promise} of the remote workflow's typed outcome.
 *
 * <p>The route is read from configuration once, at the first call, and recorded in history with
 * {@link Workflow#sideEffect}: flipping the transport setting and restarting workers leaves
 * in-flight executions on the transport they started with. Each call is a {@link PendingCall}, the
 * state machine that reacts to what the transport, the caller and the outcome signal do.
 * Deterministic; no I/O.
 */
public final class CrossClusterClient {

  /**
   * A transport broke the port's contract, e.g. returned no outcome on an outcome-by-activity
   * route.
   */
  public static final String TRANSPORT_CONTRACT_VIOLATION =
      PendingCall.TRANSPORT_CONTRACT_VIOLATION;

  private static final Logger log = Workflow.getLogger(CrossClusterClient.class);

  private final String sourceCluster;
  private final Functions.Func<CallRoute> configuredRoute;
  private final Map<String, PendingCall> calls = new HashMap<>();
  private final Map<String, CallOutcome> outcomesBeforeCall = new HashMap<>();
  private final Map<String, CallWaitingNotice> waiting = new HashMap<>();
  private CallRoute route;

  /**
   * @param sourceCluster the cluster this workflow runs in, first segment of every call id
   * @param configuredRoute read once per execution and recorded; later changes do not affect it
   */
  public CrossClusterClient(String sourceCluster, Functions.Func<CallRoute> configuredRoute) {
    this.sourceCluster = sourceCluster;
    this.configuredRoute = configuredRoute;
  }

  /**
   * Runs {@code target}'s workflow with {@code input} under the call id {@code
   * sourceCluster:thisWorkflowId:operation}. Calling twice with the same operation in one execution
   * returns the same promise: one remote run, one outcome.
   */
  public Promise<CallOutcome> call(String operation, RemoteTarget target, Object input) {
    CallId callId = new CallId(sourceCluster, Workflow.getInfo().getWorkflowId(), operation);
    PendingCall existing = calls.get(callId.value());
    if (existing != null) {
      return existing.outcome();
    }
    CallRoute recorded = route();
    CallRequest request =
        new CallRequest(
            callId, target, CallPayloads.encode(input), recorded.protocol().allowsHandover());
    PendingCall call = new PendingCall(recorded, request);
    calls.put(callId.value(), call);
    CallOutcome early = outcomesBeforeCall.remove(callId.value());
    if (early != null) {
      call.outcomeDelivered(early);
    }
    call.start();
    return call.outcome();
  }

  /**
   * Why the call for {@code operation} waits, as its transport last said (only transports that hold
   * handed-over calls say so); empty when it does not wait, has ended, or was never made. For a
   * query: reads state only.
   */
  public Optional<CallWaitingNotice> waiting(String operation) {
    CallId callId = new CallId(sourceCluster, Workflow.getInfo().getWorkflowId(), operation);
    PendingCall pending = calls.get(callId.value());
    CallWaitingNotice notice = waiting.get(callId.value());
    if (pending == null
        || pending.outcome().isCompleted()
        || notice == null
        || notice.endsTheWait()) {
      return Optional.empty();
    }
    return Optional.of(notice);
  }

  /** The route of this execution, recorded in history at first use. */
  public CallRoute route() {
    if (route == null) {
      route = Workflow.sideEffect(CallRoute.class, configuredRoute);
      Workflow.registerListener(new OutcomeListener());
    }
    return route;
  }

  private final class OutcomeListener implements CallOutcomeDelivery {
    @Override
    public void deliver(DeliveredOutcome delivered) {
      PendingCall pending = calls.get(delivered.callId());
      if (pending == null) {
        outcomesBeforeCall.putIfAbsent(delivered.callId(), delivered.outcome());
      } else if (pending.outcome().isCompleted()) {
        log.info("ignoring duplicate outcome for call {}", delivered.callId());
      } else {
        pending.outcomeDelivered(delivered.outcome());
      }
      waiting.remove(delivered.callId());
    }

    @Override
    public void waiting(CallWaitingNotice notice) {
      PendingCall pending = calls.get(notice.callId());
      if (pending != null && pending.outcome().isCompleted()) {
        return; // the outcome is in: it waits no longer
      }
      // state for the status only, no command: replays the same whatever order notices come in
      waiting.merge(
          notice.callId(), notice, (held, other) -> other.isNewerThan(held) ? other : held);
    }
  }
}
