package io.xcluster.region.useast.orders.usecase;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.client.WorkflowUpdateTimeoutOrCancelledException;
import io.temporal.failure.ApplicationFailure;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.spi.TransportMetrics;
import io.xcluster.region.useast.orders.workflow.AddressChange;
import io.xcluster.region.useast.orders.workflow.AddressChangeResult;
import io.xcluster.region.useast.orders.workflow.DeliveryAddress;
import io.xcluster.region.useast.orders.workflow.OrderWorkflow;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Changes the delivery address of an open order: an update of its workflow, which forwards it to
 * the running fulfillment in eu-west, whose validator decides. The request id (the client's {@code
 * Idempotency-Key}) is the update's id in us-east and, through the port, in eu-west: the same
 * request sent again changes the address once and answers as the first time did, also after the
 * order ended (the verdict is read back from us-east's record of the update); the same id sent with
 * another address is refused, not taken for a retry.
 */
public final class ChangingDeliveryAddress {

  /** The answer to a change. */
  public sealed interface Result {}

  public record Changed(String orderId, DeliveryAddress address) implements Result {}

  /** eu-west refused it (its validator: the parcel is packed already), in its own words. */
  public record RejectedByFulfillment(String orderId, String type, String reason)
      implements Result {}

  /**
   * No verdict could be had: the transport gave up forwarding the change (a deployment error: an
   * outage is retried and answers {@link Pending}) or cannot forward updates.
   */
  public record FulfillmentUnreachable(String orderId, String type, String reason)
      implements Result {}

  /** The request id was used before with another address. */
  public record KeyReused(String orderId, String requestId, DeliveryAddress earlier)
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

  /** Rejection types that say the change did not get through, rather than eu-west's "no". */
  private static final Set<String> NOT_DELIVERED =
      Set.of(
          OrderWorkflow.FULFILLMENT_UNREACHABLE,
          UpdateVerdict.UNREACHABLE,
          UpdateVerdict.NOT_SUPPORTED);

  /**
   * How many API threads may wait for a verdict at once: the rest of the API's pool stays free for
   * orders and reads however slow eu-west is; a change beyond them goes on and answers {@link
   * Pending} at once.
   */
  public static final int MAX_WAITING_REQUESTS = 4;

  /** How long reading back the verdict of an order that has ended may take. */
  private static final Duration RECORDED_VERDICT_DEADLINE = Duration.ofSeconds(2);

  private final WorkflowClient usEast;
  private final OrderLookup lookup;
  private final Duration deadline;
  private final Semaphore waitingRequests = new Semaphore(MAX_WAITING_REQUESTS);

  /**
   * Sends the updates (until us-east accepted them, a workflow task); the verdicts are then awaited
   * without a thread, so a slow eu-west holds none here.
   */
  private final ExecutorService sending =
      new ThreadPoolExecutor(
          4,
          4,
          0,
          TimeUnit.MILLISECONDS,
          // bounded: when us-east itself is slow, changes answer "pending" at once, never pile up
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
      return recorded(orderId, requestId, address).orElseGet(() -> ended(orderId));
    }
    String request = requestId != null ? requestId : UUID.randomUUID().toString();
    CompletableFuture<Result> verdict;
    try {
      verdict =
          CompletableFuture.supplyAsync(() -> start(orderId, request, address), sending)
              .thenCompose(
                  accepted ->
                      accepted
                          .getResultAsync(deadline.toMillis() + 1_000, TimeUnit.MILLISECONDS)
                          .thenApply(result -> answer(orderId, request, address, result)))
              .exceptionallyAsync(failed -> refusal(orderId, request, address, failed), sending);
    } catch (RejectedExecutionException busy) {
      return new Pending(orderId, request);
    }
    if (!waitingRequests.tryAcquire()) {
      return new Pending(orderId, request); // the change goes on; this thread does not wait for it
    }
    try {
      return verdict.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException stillWaiting) {
      return new Pending(orderId, request);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Pending(orderId, request);
    } catch (ExecutionException failed) {
      if (failed.getCause() instanceof RejectedExecutionException busy) {
        return new Pending(orderId, request); // too busy to read why it failed: ask again
      }
      throw failed.getCause() instanceof RuntimeException cause
          ? cause
          : new IllegalStateException(failed.getCause());
    } finally {
      waitingRequests.release();
    }
  }

  private WorkflowUpdateHandle<AddressChangeResult> start(
      String orderId, String requestId, DeliveryAddress address) {
    return usEast
        .newUntypedWorkflowStub(orderId)
        .startUpdate(
            UpdateOptions.newBuilder(AddressChangeResult.class)
                .setUpdateName(OrderWorkflow.CHANGE_DELIVERY_ADDRESS)
                .setUpdateId(updateId(requestId))
                .setWaitForStage(WorkflowUpdateStage.ACCEPTED)
                .build(),
            new AddressChange(requestId, address));
  }

  private static String updateId(String requestId) {
    return "delivery-address/" + requestId;
  }

  private Result answer(
      String orderId, String requestId, DeliveryAddress address, AddressChangeResult result) {
    if (result.requested() != null && !result.requested().equals(address)) {
      return new KeyReused(orderId, requestId, result.requested());
    }
    if (result.accepted()) {
      return new Changed(orderId, result.address());
    }
    if (NOT_DELIVERED.contains(result.rejectionType())) {
      return new FulfillmentUnreachable(orderId, result.rejectionType(), result.reason());
    }
    if (OrderWorkflow.ORDER_NOT_FULFILLING.equals(result.rejectionType())) {
      return new RefusedByOrder(orderId, result.rejectionType(), result.reason());
    }
    return new RejectedByFulfillment(orderId, result.rejectionType(), result.reason());
  }

  /** Why the update failed: us-east's validator refused, or the order ended meanwhile. */
  private Result refusal(String orderId, String requestId, DeliveryAddress address, Throwable e) {
    Throwable failure = e instanceof CompletionException wrapped ? wrapped.getCause() : e;
    if (failure instanceof WorkflowUpdateException refused
        && refused.getCause() instanceof ApplicationFailure cause) {
      String reason = cause.getOriginalMessage();
      // the order's validator names its refusal by type, but SDK 1.38.0 sends a validator's
      // refusal with a type of its own (sdk-java#2875): the reason's words tell them apart
      String type =
          OrderWorkflow.INVALID_ADDRESS.equals(cause.getType())
                  || (reason != null && reason.startsWith("invalid address"))
              ? OrderWorkflow.INVALID_ADDRESS
              : OrderWorkflow.ORDER_NOT_FULFILLING;
      return new RefusedByOrder(orderId, type, reason);
    }
    if (failure instanceof WorkflowNotFoundException
        || failure instanceof WorkflowUpdateException) {
      // the order ended between the look-up and the update (or while it was on its way)
      return recorded(orderId, requestId, address).orElseGet(() -> ended(orderId));
    }
    throw failure instanceof RuntimeException unexpected
        ? unexpected
        : new IllegalStateException(failure);
  }

  /**
   * The verdict us-east recorded for this request id, if the order took the change before it ended:
   * a retry after the order ended answers as the first request did.
   *
   * @return empty when the order never took this change
   * @throws OrderLookup.Unanswered when us-east does not answer in time: not knowing is not "never
   *     took it", and a change that was accepted must not be answered as refused
   */
  private Optional<Result> recorded(String orderId, String requestId, DeliveryAddress address) {
    if (requestId == null) {
      return Optional.empty();
    }
    try {
      AddressChangeResult result =
          usEast
              .newUntypedWorkflowStub(orderId)
              .getUpdateHandle(updateId(requestId), AddressChangeResult.class)
              .getResult(RECORDED_VERDICT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      return Optional.of(answer(orderId, requestId, address, result));
    } catch (WorkflowUpdateException failedUpdate) {
      return Optional.empty(); // the change failed in the order: it never took it
    } catch (RuntimeException failed) {
      if (isNotFound(failed)) {
        return Optional.empty(); // us-east has no record of the update: never took this change
      }
      if (failed instanceof WorkflowUpdateTimeoutOrCancelledException
          || failed.getCause() instanceof TimeoutException
          || TransportMetrics.isOutage(failed)) {
        throw new OrderLookup.Unanswered(
            "us-east did not read back address change " + requestId + " of order " + orderId,
            failed);
      }
      throw failed; // a refusal (permission, a namespace gone): retrying will not help
    }
  }

  private static boolean isNotFound(Throwable failed) {
    for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
      if (cause instanceof StatusRuntimeException grpc) {
        return grpc.getStatus().getCode() == Status.Code.NOT_FOUND;
      }
    }
    return false;
  }

  private static Result ended(String orderId) {
    return new RefusedByOrder(
        orderId,
        OrderWorkflow.ORDER_NOT_FULFILLING,
        "order " + orderId + " has ended: its delivery address can no longer change");
  }
}
