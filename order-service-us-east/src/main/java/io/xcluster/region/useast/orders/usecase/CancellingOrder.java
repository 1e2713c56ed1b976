package io.xcluster.region.useast.orders.usecase;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.Optional;

/** Cancels a running order: its workflow compensates (refund) and ends CANCELED. */
public final class CancellingOrder {

  /** The answer to a cancel. */
  public sealed interface Result {}

  public record CancelRequested(String orderId) implements Result {}

  public record NoSuchOrder(String orderId) implements Result {}

  /**
   * @param state the order's final state, as the order or us-east reports it; null when it closed
   *     while being canceled
   */
  public record AlreadyClosed(String orderId, String state) implements Result {}

  private final WorkflowClient usEast;
  private final OrderLookup lookup;
  private final ReadingOrderStatus reading;

  public CancellingOrder(WorkflowClient usEast, OrderLookup lookup) {
    this.usEast = usEast;
    this.lookup = lookup;
    this.reading = new ReadingOrderStatus(lookup);
  }

  public Result cancel(String orderId) {
    Optional<OrderLookup.Found> found = lookup.find(orderId);
    if (found.isEmpty()) {
      return new NoSuchOrder(orderId);
    }
    if (!found.get().running()) {
      return new AlreadyClosed(orderId, finalState(orderId, found.get()));
    }
    try {
      usEast.newUntypedWorkflowStub(orderId).cancel("canceled through the order API");
    } catch (WorkflowNotFoundException closedMeanwhile) {
      return new AlreadyClosed(orderId, null);
    }
    return new CancelRequested(orderId);
  }

  private String finalState(String orderId, OrderLookup.Found found) {
    if (reading.read(orderId) instanceof ReadingOrderStatus.Known known) {
      return known.status().state().name();
    }
    return reading.recordedFinalStatus(orderId, found.status()).state().name();
  }
}
