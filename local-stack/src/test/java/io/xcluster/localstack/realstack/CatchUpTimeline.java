package io.xcluster.localstack.realstack;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Where the seconds after a recovery went: for each order whose fulfillment started after it, the
 * leg out (recovery → fulfillment started), the fulfillment's own run and the leg back (fulfillment
 * closed → order closed), from both clusters' visibility; and the last order's events on both
 * sides. A diagnosis printed beside a drill's record, so that a slow catch-up says which leg was
 * slow.
 */
final class CatchUpTimeline {

  private record Run(long startMillis, long closeMillis) {}

  private final WorkflowServiceStubs usEast;
  private final WorkflowServiceStubs euWest;
  private final String namespace;
  private final long recoveredAtMillis;

  CatchUpTimeline(
      WorkflowServiceStubs usEast,
      WorkflowServiceStubs euWest,
      String namespace,
      long recoveredAtMillis) {
    this.usEast = usEast;
    this.euWest = euWest;
    this.namespace = namespace;
    this.recoveredAtMillis = recoveredAtMillis;
  }

  /** The summary for these orders, whose fulfillment ids contain their order ids. */
  String describe(List<String> orderIds, String orderType, String fulfillmentType) {
    Map<String, Run> orders = runs(usEast, orderType);
    Map<String, Run> fulfillments = runs(euWest, fulfillmentType);
    List<long[]> legs = new ArrayList<>(); // out, run, back, order close; ms after the recovery
    String lastOrder = null;
    String lastFulfillment = null;
    long lastClose = Long.MIN_VALUE;
    for (Map.Entry<String, Run> fulfillment : fulfillments.entrySet()) {
      Run run = fulfillment.getValue();
      if (run.startMillis() < recoveredAtMillis) {
        continue;
      }
      String orderId =
          orderIds.stream().filter(fulfillment.getKey()::contains).findFirst().orElse(null);
      Run order = orderId == null ? null : orders.get(orderId);
      if (order == null || order.closeMillis() == 0 || run.closeMillis() == 0) {
        continue;
      }
      legs.add(
          new long[] {
            run.startMillis() - recoveredAtMillis,
            run.closeMillis() - run.startMillis(),
            order.closeMillis() - run.closeMillis(),
            order.closeMillis() - recoveredAtMillis
          });
      if (order.closeMillis() > lastClose) {
        lastClose = order.closeMillis();
        lastOrder = orderId;
        lastFulfillment = fulfillment.getKey();
      }
    }
    if (legs.isEmpty()) {
      return "no fulfillment started after the recovery";
    }
    StringJoiner summary = new StringJoiner("; ");
    summary.add(legs.size() + " fulfillments started after the recovery");
    summary.add("recovery→started " + spread(legs, 0));
    summary.add("started→closed " + spread(legs, 1));
    summary.add("fulfillment closed→order closed " + spread(legs, 2));
    summary.add("recovery→order closed " + spread(legs, 3));
    summary.add("last order " + lastOrder + ": us-east " + events(usEast, lastOrder));
    summary.add("eu-west " + events(euWest, lastFulfillment));
    return summary.toString();
  }

  private static String spread(List<long[]> legs, int leg) {
    long[] values = legs.stream().mapToLong(l -> l[leg]).sorted().toArray();
    return String.format(
        "p50 %.1f s, p90 %.1f s, max %.1f s",
        values[values.length / 2] / 1000.0,
        values[(int) (values.length * 0.9)] / 1000.0,
        values[values.length - 1] / 1000.0);
  }

  private Map<String, Run> runs(WorkflowServiceStubs service, String type) {
    Map<String, Run> runs = new HashMap<>();
    ByteString page = ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse response =
          service
              .blockingStub()
              .listWorkflowExecutions(
                  ListWorkflowExecutionsRequest.newBuilder()
                      .setNamespace(namespace)
                      .setQuery("WorkflowType = '" + type + "'")
                      .setPageSize(1000)
                      .setNextPageToken(page)
                      .build());
      for (WorkflowExecutionInfo info : response.getExecutionsList()) {
        Run run = new Run(millis(info.getStartTime()), millis(info.getCloseTime()));
        // the latest run of an id is the one that counts (a drill may start an order again)
        runs.merge(
            info.getExecution().getWorkflowId(),
            run,
            (a, b) -> a.startMillis() >= b.startMillis() ? a : b);
      }
      page = response.getNextPageToken();
    } while (!page.isEmpty());
    return runs;
  }

  /** The run's events after the recovery, each as its type and seconds after the recovery. */
  private String events(WorkflowServiceStubs service, String workflowId) {
    List<HistoryEvent> history =
        new ArrayList<>(
            service
                .blockingStub()
                .getWorkflowExecutionHistory(
                    GetWorkflowExecutionHistoryRequest.newBuilder()
                        .setNamespace(namespace)
                        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                        .setMaximumPageSize(1000)
                        .build())
                .getHistory()
                .getEventsList());
    history.sort(Comparator.comparingLong(HistoryEvent::getEventId));
    StringJoiner events = new StringJoiner(", ", "[", "]");
    for (HistoryEvent event : history) {
      long at = millis(event.getEventTime()) - recoveredAtMillis;
      if (at >= 0) {
        events.add(
            event.getEventType().name().replace("EVENT_TYPE_", "").toLowerCase()
                + String.format(" %.1f", at / 1000.0));
      }
    }
    return events.toString();
  }

  private static long millis(Timestamp timestamp) {
    return timestamp.getSeconds() * 1000 + timestamp.getNanos() / 1_000_000;
  }
}
