package io.xcluster.region.useast.orders.usecase;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionDescription;
import io.xcluster.region.useast.orders.placement.OrderPlacement;
import io.xcluster.region.useast.orders.workflow.Order;
import java.util.List;
import java.util.Map;

/**
 * Places an order at most once per {@code Idempotency-Key}: a retry with the same key and the same
 * order finds the order the first request placed; the same key with another order is refused. The
 * order's own rules ({@link Order#fieldProblems()}) are checked before anything starts.
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

  private final WorkflowClient usEast;
  private final OrderPlacement placement;

  public PlacingOrder(WorkflowClient usEast, OrderPlacement placement) {
    this.usEast = usEast;
    this.placement = placement;
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
