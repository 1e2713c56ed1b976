package io.xcluster.region.useast.orders.usecase;

import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.ApplicationFailure;
import io.xcluster.region.useast.orders.workflow.AddressChange;
import io.xcluster.region.useast.orders.workflow.AddressChangeResult;
import io.xcluster.region.useast.orders.workflow.DeliveryAddress;
import io.xcluster.region.useast.orders.workflow.OrderWorkflow;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Changes the delivery address of an open order: an update of its workflow, which forwards it to
 * the running fulfillment in eu-west, whose validator decides. The request id (the client's {@code
 * Idempotency-Key}) is the update's id in us-east and, through the port, in eu-west: the same
 * request sent again changes the address once and answers as the first time did.
 */
public final class ChangingDeliveryAddress {

  /** The answer to a change. */
  public sealed interface Result {}

  public record Changed(String orderId, DeliveryAddress address) implements Result {}

  /** eu-west refused it (its validator: the parcel is packed already), in its own words. */
  public record RejectedByFulfillment(String orderId, String type, String reason)
      implements Result {}

  /** us-east refused it: the order has no open fulfillment, or the address is malformed. */
  public record RefusedByOrder(String orderId, String type, String reason) implements Result {}

  public record NoSuchOrder(String orderId) implements Result {}

  /**
   * No verdict within the deadline (a transport or eu-west slow or down): the change goes on, and
   * the same request sent again returns its verdict once there is one.
   */
  public record Pending(String orderId, String requestId) implements Result {}

  public record InvalidKey(String problem) implements Result {}

  private final WorkflowClient usEast;
  private final OrderLookup lookup;
  private final Duration deadline;

  /** The updates run here, so that a request waits for its verdict no longer than the deadline. */
  private final ExecutorService waiting =
      new ThreadPoolExecutor(
          8,
          8,
          0,
          TimeUnit.MILLISECONDS,
          // bounded: changes stuck behind a slow eu-west answer "pending" at once, never pile up
          new ArrayBlockingQueue<>(32),
          runnable -> {
            Thread thread = new Thread(runnable, "address-changes");
            thread.setDaemon(true);
            return thread;
          });

  public ChangingDeliveryAddress(WorkflowClient usEast, OrderLookup lookup, Duration deadline) {
    this.usEast = usEast;
    this.lookup = lookup;
    this.deadline = deadline;
  }

  /**
   * @param requestId the client's idempotency key; null for a request that will not be sent again
   */
  public Result change(String orderId, String requestId, DeliveryAddress address) {
    if (requestId != null
        && (requestId.isBlank() || requestId.length() > PlacingOrder.MAX_KEY_LENGTH)) {
      return new InvalidKey("must be 1 to " + PlacingOrder.MAX_KEY_LENGTH + " characters");
    }
    Optional<OrderLookup.Found> found = lookup.find(orderId);
    if (found.isEmpty()) {
      return new NoSuchOrder(orderId);
    }
    if (!found.get().running()) {
      return new RefusedByOrder(
          orderId,
          OrderWorkflow.ORDER_NOT_FULFILLING,
          "order " + orderId + " has ended: its delivery address can no longer change");
    }
    String request = requestId != null ? requestId : UUID.randomUUID().toString();
    CompletableFuture<Result> verdict;
    try {
      verdict = CompletableFuture.supplyAsync(() -> send(orderId, request, address), waiting);
    } catch (RejectedExecutionException busy) {
      return new Pending(orderId, request);
    }
    try {
      return verdict.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException stillWaiting) {
      return new Pending(orderId, request);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Pending(orderId, request);
    } catch (ExecutionException failed) {
      throw failed.getCause() instanceof RuntimeException cause
          ? cause
          : new IllegalStateException(failed.getCause());
    }
  }

  private Result send(String orderId, String requestId, DeliveryAddress address) {
    try {
      AddressChangeResult result =
          usEast
              .newUntypedWorkflowStub(orderId)
              .startUpdate(
                  UpdateOptions.newBuilder(AddressChangeResult.class)
                      .setUpdateName(OrderWorkflow.CHANGE_DELIVERY_ADDRESS)
                      .setUpdateId("delivery-address/" + requestId)
                      .setWaitForStage(WorkflowUpdateStage.COMPLETED)
                      .build(),
                  new AddressChange(requestId, address))
              .getResult();
      return result.accepted()
          ? new Changed(orderId, result.address())
          : new RejectedByFulfillment(orderId, result.rejectionType(), result.reason());
    } catch (WorkflowUpdateException refused) {
      if (refused.getCause() instanceof ApplicationFailure failure) {
        String reason = failure.getOriginalMessage();
        // the order's validator names its refusal by type, but SDK 1.38.0 sends a validator's
        // refusal with a type of its own (sdk-java#2875): the reason's words tell them apart
        String type =
            OrderWorkflow.INVALID_ADDRESS.equals(failure.getType())
                    || (reason != null && reason.startsWith("invalid address"))
                ? OrderWorkflow.INVALID_ADDRESS
                : OrderWorkflow.ORDER_NOT_FULFILLING;
        return new RefusedByOrder(orderId, type, reason);
      }
      return new RefusedByOrder(
          orderId, OrderWorkflow.ORDER_NOT_FULFILLING, String.valueOf(refused.getMessage()));
    } catch (WorkflowNotFoundException ended) {
      return new RefusedByOrder(
          orderId,
          OrderWorkflow.ORDER_NOT_FULFILLING,
          "order " + orderId + " has ended: its delivery address can no longer change");
    }
  }
}
