package io.xcluster.region.useast.orders.usecase;

import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.HistoryEventFilterType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc.WorkflowServiceBlockingStub;
import io.temporal.client.WorkflowClient;
import io.xcluster.port.spi.TransportMetrics;
import io.xcluster.region.useast.orders.workflow.OrderStatus;
import io.xcluster.region.useast.orders.workflow.OrderWorkflow;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds an order in us-east with calls that cannot hang: each has a deadline far below any
 * client's, and none waits for a worker that may not exist. An id that is not an {@code
 * OrderWorkflow} (another type, on a queue nobody polls) is "no order" at once.
 */
public final class OrderLookup {

  /**
   * What us-east knows about an order without asking its worker.
   *
   * @param waiting why its cross-cluster call has not gone through yet, or null when it is not
   *     retrying one
   */
  public record Found(String orderId, WorkflowExecutionStatus status, CallWaiting waiting) {

    public Found(String orderId, WorkflowExecutionStatus status) {
      this(orderId, status, null);
    }

    public boolean running() {
      return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    }
  }

  /** us-east did not answer within the deadline, or the order's worker did not: worth a retry. */
  public static final class Unanswered extends RuntimeException {
    public Unanswered(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final WorkflowClient usEast;
  private final Duration findDeadline;
  private final Duration queryDeadline;

  /**
   * @param findDeadline for describing the workflow: us-east answers from its own store
   * @param queryDeadline for the status query: the order's worker answers, after any task it is
   *     running
   */
  public OrderLookup(WorkflowClient usEast, Duration findDeadline, Duration queryDeadline) {
    this.usEast = usEast;
    this.findDeadline = findDeadline;
    this.queryDeadline = queryDeadline;
  }

  /**
   * The order's workflow, or empty when there is none or the id belongs to another workflow type.
   */
  public Optional<Found> find(String orderId) {
    DescribeWorkflowExecutionResponse described;
    try {
      described =
          stub(findDeadline)
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(usEast.getOptions().getNamespace())
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(orderId))
                      .build());
    } catch (StatusRuntimeException failed) {
      if (failed.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw outageOrRefusal("us-east did not describe order " + orderId, failed);
    }
    if (!OrderWorkflow.TYPE.equals(described.getWorkflowExecutionInfo().getType().getName())) {
      return Optional.empty();
    }
    return Optional.of(
        new Found(
            orderId,
            described.getWorkflowExecutionInfo().getStatus(),
            CallWaiting.of(described).orElse(null)));
  }

  /**
   * The order's own status, from its worker (the {@code status} query), within the deadline.
   *
   * @throws Unanswered when the worker does not answer in time (busy, or not running)
   */
  public OrderStatus queryStatus(String orderId) {
    QueryWorkflowResponse answer;
    try {
      answer =
          stub(queryDeadline)
              .queryWorkflow(
                  QueryWorkflowRequest.newBuilder()
                      .setNamespace(usEast.getOptions().getNamespace())
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(orderId))
                      .setQuery(WorkflowQuery.newBuilder().setQueryType("status"))
                      .build());
    } catch (StatusRuntimeException failed) {
      throw unanswered(
          "the worker of order " + orderId + " did not answer its status query",
          queryDeadline,
          failed);
    }
    return decode(answer.getQueryResult());
  }

  /**
   * The status a completed order returned, as us-east recorded it when the order closed: no worker
   * needed. An order that ends FAILED (a declined payment, a failed fulfillment) completes its
   * workflow too, returning its status, so only this record tells it from one that shipped.
   *
   * @return empty when us-east recorded no result (the order did not complete: canceled,
   *     terminated, timed out) or no longer knows the order
   * @throws Unanswered when us-east does not answer within the find deadline
   */
  public Optional<OrderStatus> recordedResult(String orderId) {
    GetWorkflowExecutionHistoryResponse closing;
    try {
      closing =
          stub(findDeadline)
              .getWorkflowExecutionHistory(
                  GetWorkflowExecutionHistoryRequest.newBuilder()
                      .setNamespace(usEast.getOptions().getNamespace())
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(orderId))
                      .setHistoryEventFilterType(
                          HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT)
                      .build());
    } catch (StatusRuntimeException failed) {
      if (failed.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw outageOrRefusal("us-east did not read the result of order " + orderId, failed);
    }
    return closing.getHistory().getEventsList().stream()
        .filter(HistoryEvent::hasWorkflowExecutionCompletedEventAttributes)
        .map(HistoryEvent::getWorkflowExecutionCompletedEventAttributes)
        .filter(completed -> completed.hasResult())
        .map(completed -> decode(completed.getResult()))
        .findFirst();
  }

  private OrderStatus decode(Payloads status) {
    return usEast
        .getOptions()
        .getDataConverter()
        .fromPayloads(0, Optional.of(status), OrderStatus.class, OrderStatus.class);
  }

  /**
   * An outage is worth a retry ({@link Unanswered}); a refusal (permission, a namespace gone) is
   * not.
   */
  private RuntimeException outageOrRefusal(String what, StatusRuntimeException failed) {
    return TransportMetrics.isOutage(failed) ? unanswered(what, findDeadline, failed) : failed;
  }

  private WorkflowServiceBlockingStub stub(Duration deadline) {
    // a fresh deadline per call; the SDK's own retries (up to a minute while a cluster is down) are
    // not wanted here
    return usEast
        .getWorkflowServiceStubs()
        .blockingStub()
        .withDeadline(Deadline.after(deadline.toMillis(), TimeUnit.MILLISECONDS));
  }

  private static Unanswered unanswered(
      String what, Duration deadline, StatusRuntimeException failed) {
    Status.Code code = failed.getStatus().getCode();
    String why =
        code == Status.Code.DEADLINE_EXCEEDED
            ? "within " + deadline.toMillis() + " ms"
            : "(" + code + ")";
    return new Unanswered(what + " " + why, failed);
  }
}
