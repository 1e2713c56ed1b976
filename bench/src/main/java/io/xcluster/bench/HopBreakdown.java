package io.xcluster.bench;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.port.call.CallId;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.port.spi.CrossClusterCallActivity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

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
 *       completed, the outcome signal — not a progress or waiting signal — or, without one, the
 *       call activity that returned the outcome; Nexus operation completed);
 *   <li>caller: the caller's last workflow task → its completion.
 * </ol>
 */
final class HopBreakdown {

  static final List<String> HOPS = List.of("hand-off", "work", "return", "caller");

  private HopBreakdown() {}

  /** The hops of one probe, in ms; empty when the histories are not as expected. */
  static Optional<double[]> of(WorkflowClient usEast, WorkflowClient remoteClient, String probeId) {
    return of(
        usEast.fetchHistory(probeId).getEvents(),
        remoteId -> remoteClient.fetchHistory(remoteId).getEvents(),
        probeId);
  }

  /**
   * The hops read from the probe's history and the fulfillment's (looked up by its workflow id).
   */
  static Optional<double[]> of(
      List<HistoryEvent> probe,
      Function<String, List<HistoryEvent>> remoteHistory,
      String probeId) {
    Optional<HistoryEvent> asked = asked(probe);
    Optional<HistoryEvent> answered = answered(probe);
    Optional<HistoryEvent> done = first(probe, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    Optional<String> remoteId = remoteWorkflowId(probe, probeId);
    if (asked.isEmpty() || answered.isEmpty() || done.isEmpty() || remoteId.isEmpty()) {
      return Optional.empty();
    }
    List<HistoryEvent> remote = remoteHistory.apply(remoteId.get());
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

  /**
   * The caller asks: child initiated, Nexus operation scheduled, or the call activity scheduled.
   */
  private static Optional<HistoryEvent> asked(List<HistoryEvent> probe) {
    for (HistoryEvent event : probe) {
      switch (event.getEventType()) {
        case EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
        EVENT_TYPE_NEXUS_OPERATION_SCHEDULED:
          return Optional.of(event);
        case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
          if (isCallActivity(event)) {
            return Optional.of(event);
          }
          break;
        default:
          break;
      }
    }
    return Optional.empty();
  }

  /**
   * The caller holds the outcome: the child or Nexus operation completed, the outcome signal
   * arrived ({@link CallOutcomeDelivery#SIGNAL_NAME}; progress, waiting and verdict signals are not
   * the outcome), or — when no outcome signal came — the call activity that returned the outcome
   * completed. A call activity that only handed the call over completes before the outcome signal,
   * so the signal wins whenever there is one.
   */
  static Optional<HistoryEvent> answered(List<HistoryEvent> probe) {
    Optional<HistoryEvent> direct =
        first(
            probe,
            EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED,
            EventType.EVENT_TYPE_NEXUS_OPERATION_COMPLETED);
    if (direct.isPresent()) {
      return direct;
    }
    for (HistoryEvent event : probe) {
      if (event.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
          && CallOutcomeDelivery.SIGNAL_NAME.equals(
              event.getWorkflowExecutionSignaledEventAttributes().getSignalName())) {
        return Optional.of(event);
      }
    }
    Set<Long> callActivities = new HashSet<>();
    HistoryEvent lastCallCompleted = null;
    for (HistoryEvent event : probe) {
      if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
          && isCallActivity(event)) {
        callActivities.add(event.getEventId());
      }
      if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
          && callActivities.contains(
              event.getActivityTaskCompletedEventAttributes().getScheduledEventId())) {
        lastCallCompleted = event;
      }
    }
    return Optional.ofNullable(lastCallCompleted);
  }

  private static boolean isCallActivity(HistoryEvent scheduled) {
    return CrossClusterCallActivity.CALL_ACTIVITY.equals(
        scheduled.getActivityTaskScheduledEventAttributes().getActivityType().getName());
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
