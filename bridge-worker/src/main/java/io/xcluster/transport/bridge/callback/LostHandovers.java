package io.xcluster.transport.bridge.callback;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.remote.LostStartRecheck;
import io.xcluster.port.remote.RemoteRuns;
import io.xcluster.port.spi.CallOutcomeDelivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failover repair in the callback mode, which holds nothing once a call is handed over: the
 * calls handed over lately ({@link RecentHandovers}) whose outcome has not been delivered are
 * re-checked on the target, and one whose run is missing is handed over again under its call id —
 * unless its caller has its outcome already (delivered by another replica) or has closed: a run
 * that ended within the lost window must not run again.
 */
public final class LostHandovers {

  private static final Logger log = LoggerFactory.getLogger(LostHandovers.class);

  private final RecentHandovers recent;
  private final CallbackHandover handover;
  private final RemoteRuns remote;
  private final WorkflowClient source;

  public LostHandovers(
      RecentHandovers recent, CallbackHandover handover, RemoteRuns remote, WorkflowClient source) {
    this.recent = recent;
    this.handover = handover;
    this.remote = remote;
    this.source = source;
  }

  /** The relay, forgetting each call whose outcome it delivered: nothing is left to repair. */
  public OutcomeRelay forgettingDelivered(OutcomeRelay relay) {
    return (callId, remoteStart) -> {
      OutcomeRelay.Relayed relayed = relay.relay(callId, remoteStart);
      if (relayed == OutcomeRelay.Relayed.DELIVERED) {
        recent.forget(callId.value());
      }
      return relayed;
    };
  }

  /** Re-checks the recent handovers on the target and hands the lost ones over again. */
  public LostStartRecheck.Result recheck() {
    return LostStartRecheck.recheck(
        recent.withinWindow(), request -> request, remote, this::handOverAgain);
  }

  private void handOverAgain(CallRequest request) {
    if (!callerAwaitsOutcome(request)) {
      recent.forget(request.callId().value());
      log.info(
          "call {}: its remote run is missing on the target, but its caller has its outcome"
              + " already (or has closed): not issued again",
          request.callId());
      return;
    }
    handover.handOver(request);
    log.warn(
        "call {}: its remote run was missing on the target (a start lost in a failover?); handed"
            + " over again under its call id",
        request.callId());
  }

  /** Whether the calling run is open and has not been signalled this call's outcome. */
  private boolean callerAwaitsOutcome(CallRequest request) {
    String caller = request.callId().sourceWorkflowId();
    try {
      if (source
              .newUntypedWorkflowStub(caller)
              .describe()
              .getRawDescription()
              .getWorkflowExecutionInfo()
              .getStatus()
          != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        return false;
      }
      String callId = request.callId().value();
      for (HistoryEvent event : source.fetchHistory(caller).getEvents()) {
        if (event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
            && CallOutcomeDelivery.SIGNAL_NAME.equals(
                event.getWorkflowExecutionSignaledEventAttributes().getSignalName())
            && event
                .getWorkflowExecutionSignaledEventAttributes()
                .getInput()
                .getPayloadsList()
                .stream()
                .anyMatch(payload -> payload.getData().toStringUtf8().contains(callId))) {
          return false;
        }
      }
      return true;
    } catch (WorkflowNotFoundException callerGone) {
      return false;
    }
  }
}
