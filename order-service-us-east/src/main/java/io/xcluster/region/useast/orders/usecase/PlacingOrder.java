package io.xcluster.region.useast.orders.usecase;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionDescription;
import io.xcluster.region.useast.orders.placement.OrderPlacement;
import io.xcluster.region.useast.orders.workflow.Order;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Places an order at most once per {@code Idempotency-Key}: a retry with the same key and the same
 * order finds the order the first request placed; the same key with another order is refused. The
 * order's own rules ({@link Order#fieldProblems()}) are checked before anything starts.
 *
 * <p>A placement waits for us-east at most its deadline: while us-east is unreachable the SDK
 * retries a start for about a minute, and requests that waited that long would hold every API
 * thread. Past the deadline the start goes on in the background and the caller is told to retry
 * ({@link OrderLookup.Unanswered}); the retry, under the same key, finds the order if it started.
 */
public final class PlacingOrder {

  public static final int MAX_KEY_LENGTH = OrderIds.MAX_KEY_LENGTH;

  /** The memo key under which an order keeps the fingerprint of the request that placed it. */
  static final String REQUEST_FINGERPRINT_MEMO = "request-sha256";

  private static final ObjectMapper CANONICAL_JSON = new ObjectMapper();

  /**
   * @param idempotencyKey the client's key for this order, or null for an order without retries
   */
  public record PlaceOrder(NewOrder order, String idempotencyKey) {}

  /** The answer to a placement. */
  public sealed interface Result {}

  /**
   * @param replayed true when this answers a retry: the order was placed by an earlier request
   */
  public record Accepted(String orderId, String traceId, boolean replayed) implements Result {}

  public record Invalid(List<Order.FieldProblem> problems) implements Result {}

  public record InvalidKey(String problem) implements Result {}

  public record KeyReused(String orderId) implements Result {}

  /**
   * Starts that may go on past their request's deadline at once (as many more may queue): while
   * us-east is down, placements beyond them are refused at once rather than piled up.
   */
  static final int MAX_STARTS_UNDER_WAY = 16;

  private final WorkflowClient usEast;
  private final OrderPlacement placement;
  private final Duration deadline;
  private final ThreadPoolExecutor starting;

  /**
   * @param deadline how long a placement waits for us-east to start (or find) the order
   */
  public PlacingOrder(WorkflowClient usEast, OrderPlacement placement, Duration deadline) {
    this.usEast = usEast;
    this.placement = placement;
    this.deadline = deadline;
    this.starting =
        new ThreadPoolExecutor(
            MAX_STARTS_UNDER_WAY,
            MAX_STARTS_UNDER_WAY,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_STARTS_UNDER_WAY),
            runnable -> {
              Thread thread = new Thread(runnable, "order-placements");
              thread.setDaemon(true);
              return thread;
            });
    starting.allowCoreThreadTimeOut(true);
  }

  public Result place(PlaceOrder command) {
    String key = command.idempotencyKey();
    if (key != null && (key.isBlank() || key.length() > MAX_KEY_LENGTH)) {
      return new InvalidKey("must be 1 to " + MAX_KEY_LENGTH + " characters");
    }
    NewOrder request = command.order();
    String orderId =
        key == null ? OrderIds.fresh() : OrderIds.forIdempotencyKey(request.customerId(), key);
    Order order = request.withId(orderId);
    List<Order.FieldProblem> problems = order.fieldProblems();
    if (!problems.isEmpty()) {
      return new Invalid(problems);
    }
    String fingerprint = fingerprint(request);
    Future<Result> started;
    try {
      started = starting.submit(() -> start(order, fingerprint));
    } catch (RejectedExecutionException full) {
      throw new OrderLookup.Unanswered(
          "us-east has yet to answer " + 2 * MAX_STARTS_UNDER_WAY + " placements before this one",
          full);
    }
    try {
      return started.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException slow) {
      // the start goes on; the client's retry with the same key finds the order if it started
      throw new OrderLookup.Unanswered(
          "us-east did not start order " + orderId + " within " + deadline.toMillis() + " ms",
          slow);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OrderLookup.Unanswered("placing order " + orderId + " was interrupted", e);
    } catch (ExecutionException failed) {
      throw failed.getCause() instanceof RuntimeException cause
          ? cause
          : new IllegalStateException(failed.getCause());
    }
  }

  /** Starts the order's workflow, or finds the one an earlier request with this key started. */
  private Result start(Order order, String fingerprint) {
    String orderId = order.orderId();
    try {
      return new Accepted(
          orderId,
          placement.place(order, Map.of(REQUEST_FINGERPRINT_MEMO, fingerprint)).traceId(),
          false);
    } catch (WorkflowExecutionAlreadyStarted existing) {
      WorkflowExecutionDescription first = usEast.newUntypedWorkflowStub(orderId).describe();
      if (!fingerprint.equals((String) first.getMemo(REQUEST_FINGERPRINT_MEMO, String.class))) {
        return new KeyReused(orderId);
      }
      return new Accepted(
          orderId, (String) first.getMemo(OrderPlacement.TRACE_ID_MEMO, String.class), true);
    }
  }

  /** The same order gives the same fingerprint, whatever the JSON's spacing or field order was. */
  private static String fingerprint(NewOrder request) {
    try {
      return OrderIds.fingerprint(CANONICAL_JSON.writeValueAsBytes(request));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an order that cannot be written as JSON", e);
    }
  }
}
