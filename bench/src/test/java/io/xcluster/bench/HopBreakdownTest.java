package io.xcluster.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Timestamp;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.ActivityTaskCompletedEventAttributes;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionSignaledEventAttributes;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.port.spi.CrossClusterCallActivity;
import java.util.List;
import org.junit.jupiter.api.Test;

class HopBreakdownTest {

  @Test
  void progressSignalBeforeTheOutcomeIsNotTheAnswer() {
    List<HistoryEvent> probe =
        List.of(
            event(1, 1_000, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
            scheduled(5, 1_010, CrossClusterCallActivity.CALL_ACTIVITY),
            completed(7, 1_020, 5),
            signaled(8, 1_050, CallOutcomeDelivery.PROGRESS_SIGNAL_NAME),
            signaled(9, 1_140, CallOutcomeDelivery.SIGNAL_NAME),
            event(12, 1_150, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED));
    List<HistoryEvent> remote =
        List.of(
            event(1, 1_030, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
            event(9, 1_127, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED));

    double[] hops = HopBreakdown.of(probe, id -> remote, "probe-1").orElseThrow();

    // hand-off 20, work 97, return 13 (not 1050 - 1127 = -77), caller 10
    assertArrayEquals(new double[] {20, 97, 13, 10}, hops);
  }

  @Test
  void withoutAnOutcomeSignalTheCallActivityThatReturnedTheOutcomeIsTheAnswer() {
    List<HistoryEvent> probe =
        List.of(
            scheduled(5, 1_010, "SomeOtherActivity"),
            completed(7, 1_015, 5),
            scheduled(8, 1_020, CrossClusterCallActivity.CALL_ACTIVITY),
            signaled(9, 1_050, CallOutcomeDelivery.WAITING_SIGNAL_NAME),
            completed(11, 1_200, 8),
            event(14, 1_210, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED));

    assertEquals(11, HopBreakdown.answered(probe).orElseThrow().getEventId());
  }

  private static HistoryEvent event(long id, long millis, EventType type) {
    return HistoryEvent.newBuilder()
        .setEventId(id)
        .setEventType(type)
        .setEventTime(
            Timestamp.newBuilder()
                .setSeconds(millis / 1000)
                .setNanos((int) (millis % 1000) * 1_000_000))
        .build();
  }

  private static HistoryEvent scheduled(long id, long millis, String activityType) {
    return event(id, millis, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).toBuilder()
        .setActivityTaskScheduledEventAttributes(
            ActivityTaskScheduledEventAttributes.newBuilder()
                .setActivityType(ActivityType.newBuilder().setName(activityType)))
        .build();
  }

  private static HistoryEvent completed(long id, long millis, long scheduledId) {
    return event(id, millis, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED).toBuilder()
        .setActivityTaskCompletedEventAttributes(
            ActivityTaskCompletedEventAttributes.newBuilder().setScheduledEventId(scheduledId))
        .build();
  }

  private static HistoryEvent signaled(long id, long millis, String signalName) {
    return event(id, millis, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).toBuilder()
        .setWorkflowExecutionSignaledEventAttributes(
            WorkflowExecutionSignaledEventAttributes.newBuilder().setSignalName(signalName))
        .build();
  }
}
