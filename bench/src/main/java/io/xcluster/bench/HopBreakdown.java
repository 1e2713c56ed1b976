package io.xcluster.bench;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.port.call.CallId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a fulfillment's time goes, hop by hop, read from the event timestamps of the probe's
 * history (us-east) and the fulfillment's own history (us-east for a child, eu-west otherwise).
 * Both servers run on this machine, so their clocks agree.
 *
 * <ol>
 *   <li>hand-off: the caller asks (child initiated / activity or Nexus operation scheduled) → the
 *       fulfillment workflow starts;
 *   <li>work: the fulfillment runs (its own start → completion);
 *   <li>return: the fulfillment completes → the caller holds the outcome (child completed, activity
 *       completed, outcome signal, Nexus operation completed);
 *   <li>caller: the caller's last workflow task → its completion.
 * </ol>
 */
final class HopBreakdown {

  static final List<String> HOPS = List.of("hand-off", "work", "return", "caller");

  private HopBreakdown() {}

  /** The hops of one probe, in ms; empty when the histories are not as expected. */
  static Optional<double[]> of(WorkflowClient usEast, WorkflowClient remoteClient, String probeId) {
    List<HistoryEvent> probe = usEast.fetchHistory(probeId).getEvents();
    Optional<HistoryEvent> asked =
        first(
            probe,
            EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
            EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED);
    Optional<HistoryEvent> answered =
        first(
            probe,
            EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED,
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
            EventType.EVENT_TYPE_NEXUS_OPERATION_COMPLETED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    Optional<HistoryEvent> done = first(probe, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    Optional<String> remoteId = remoteWorkflowId(probe, probeId);
    if (asked.isEmpty() || answered.isEmpty() || done.isEmpty() || remoteId.isEmpty()) {
      return Optional.empty();
    }
    List<HistoryEvent> remote = remoteClient.fetchHistory(remoteId.get()).getEvents();
    long remoteStarted = millis(remote.get(0));
    long remoteDone = millis(remote.get(remote.size() - 1));
    return Optional.of(
        new double[] {
          remoteStarted - millis(asked.get()),
          remoteDone - remoteStarted,
          millis(answered.get()) - remoteDone,
          millis(done.get()) - millis(answered.get())
        });
  }

  /** Median of each hop over the probes that could be read. */
  static Map<String, Double> medians(List<double[]> hops) {
    Map<String, Double> medians = new LinkedHashMap<>();
    for (int i = 0; i < HOPS.size(); i++) {
      int hop = i;
      List<Double> values = new ArrayList<>(hops.stream().map(h -> h[hop]).sorted().toList());
      medians.put(HOPS.get(i), values.isEmpty() ? Double.NaN : values.get(values.size() / 2));
    }
    return medians;
  }

  /**
   * The fulfillment's workflow id: the child's, or the cross-cluster call id (bench probes name
   * their calls "fulfillment").
   */
  private static Optional<String> remoteWorkflowId(List<HistoryEvent> probe, String probeId) {
    for (HistoryEvent event : probe) {
      if (event.getEventType() == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) {
        return Optional.of(
            event
                .getChildWorkflowExecutionStartedEventAttributes()
                .getWorkflowExecution()
                .getWorkflowId());
      }
      if (event.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_STARTED) {
        return Optional
            .empty(); // the handler's workflow id is the operation's request id; not read here
      }
    }
    return Optional.of(
        new CallId(LocalStack.US_EAST, probeId, FulfillmentProbeWorkflowImpl.OPERATION).value());
  }

  private static Optional<HistoryEvent> first(List<HistoryEvent> events, EventType... types) {
    for (EventType type : types) {
      for (HistoryEvent event : events) {
        if (event.getEventType() == type) {
          return Optional.of(event);
        }
      }
    }
    return Optional.empty();
  }

  private static long millis(HistoryEvent event) {
    return event.getEventTime().getSeconds() * 1000 + event.getEventTime().getNanos() / 1_000_000;
  }
}
