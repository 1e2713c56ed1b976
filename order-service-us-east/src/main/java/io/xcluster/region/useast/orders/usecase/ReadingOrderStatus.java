package io.xcluster.region.useast.orders.usecase;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.xcluster.region.useast.orders.workflow.OrderState;
import io.xcluster.region.useast.orders.workflow.OrderStatus;
import java.time.Instant;
import java.util.Optional;

/**
 * Reads an order's status. The order's worker answers for a running order; for a closed one, what
 * the worker last said if it answers in time, else what us-east recorded when it closed (the status
 * the order returned) — a read never waits for a worker beyond the lookup's deadline.
 */
public final class ReadingOrderStatus {

  /** The answer to a read. */
  public sealed interface Result {}

  /**
   * @param waiting why the order's cross-cluster call has not gone through yet; null when it is not
   *     retrying one
   */
  public record Known(OrderStatus status, CallWaiting waiting) implements Result {

    public Known(OrderStatus status) {
      this(status, null);
    }
  }

  public record NoSuchOrder(String orderId) implements Result {}

  /** The order exists and runs, but its worker did not answer in time: retry. */
  public record WorkerSilent(String orderId, String reason) implements Result {}

  private final OrderLookup lookup;

  public ReadingOrderStatus(OrderLookup lookup) {
    this.lookup = lookup;
  }

  public Result read(String orderId) {
    Optional<OrderLookup.Found> found = lookup.find(orderId);
    if (found.isEmpty()) {
      return new NoSuchOrder(orderId);
    }
    try {
      OrderStatus status = lookup.queryStatus(orderId);
      CallWaiting waiting = found.get().waiting(); // a retrying call activity says it first-hand
      if (waiting == null && status.fulfillmentWaiting() != null) {
        // a transport holding the call said why; unless long out of date (its sender gone)
        waiting = CallWaiting.of(status.fulfillmentWaiting()).unlessStale(Instant.now());
      }
      return new Known(status, waiting);
    } catch (OrderLookup.Unanswered silent) {
      if (found.get().running()) {
        return new WorkerSilent(orderId, silent.getMessage());
      }
      return new Known(recordedFinalStatus(orderId, found.get().status()));
    }
  }

  /**
   * The final status us-east recorded, for a closed order whose worker is not there to say more:
   * the status a completed order returned (FAILED, with its reason, as often as COMPLETED), else
   * what its workflow's closing says.
   *
   * @throws OrderLookup.Unanswered when us-east does not answer: guessing COMPLETED could tell a
   *     customer that a failed order shipped
   */
  OrderStatus recordedFinalStatus(String orderId, WorkflowExecutionStatus status) {
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
      return lookup.recordedResult(orderId).orElseGet(() -> closedAs(orderId, status));
    }
    return closedAs(orderId, status);
  }

  /** What the way an order's workflow closed says of its final state, and nothing more. */
  private static OrderStatus closedAs(String orderId, WorkflowExecutionStatus status) {
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_CANCELED ->
          new OrderStatus(orderId, OrderState.CANCELED, null, null, null, null, null, null);
      case WORKFLOW_EXECUTION_STATUS_COMPLETED ->
          new OrderStatus(orderId, OrderState.COMPLETED, null, null, null, null, null, null);
      default ->
          new OrderStatus(
              orderId,
              OrderState.FAILED,
              null,
              null,
              null,
              "the order's workflow ended "
                  + status
                      .name()
                      .replace("WORKFLOW_EXECUTION_STATUS_", "")
                      .toLowerCase()
                      .replace('_', ' '),
              null,
              null);
    };
  }
}
