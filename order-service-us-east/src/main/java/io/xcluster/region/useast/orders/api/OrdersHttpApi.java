package io.xcluster.region.useast.orders.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowServiceException;
import io.xcluster.region.useast.orders.placement.OrderPlacement;
import io.xcluster.region.useast.orders.usecase.CallWaiting;
import io.xcluster.region.useast.orders.usecase.CancellingOrder;
import io.xcluster.region.useast.orders.usecase.ChangingDeliveryAddress;
import io.xcluster.region.useast.orders.usecase.OrderLookup;
import io.xcluster.region.useast.orders.usecase.PlacingOrder;
import io.xcluster.region.useast.orders.usecase.ReadingOrderStatus;
import io.xcluster.region.useast.orders.workflow.DeliveryAddress;
import io.xcluster.region.useast.orders.workflow.OrderStatus;
import io.xcluster.region.useast.orders.workflow.OrderWorkflow;
import io.xcluster.runtime.http.HttpCall;
import io.xcluster.runtime.http.HttpReply;
import io.xcluster.runtime.http.HttpRoute;
import io.xcluster.runtime.http.Problem;
import io.xcluster.runtime.http.RoutePool;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order service's HTTP API (docs/openapi.yaml): routing and mapping only. {@code POST /orders}
 * places, {@code GET /orders/{id}} reads, {@code POST /orders/{id}/cancel} cancels, {@code POST
 * /orders/{id}/delivery-address} changes the address — each a use case of its own that never sees
 * HTTP. Every error is {@code application/problem+json}.
 */
public final class OrdersHttpApi implements HttpRoute {

  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /**
   * The API's own threads: they wait on us-east, never on a client (the server reads requests
   * first). A request that waited half a second for one is answered 503 {@code busy} instead: under
   * load, a prompt "retry" beats an answer that comes after the client gave up.
   */
  public static final RoutePool POOL = new RoutePool("orders-api", 16, 200, Duration.ofMillis(500));

  private static final Logger log = LoggerFactory.getLogger(OrdersHttpApi.class);
  private static final Pattern ORDER = Pattern.compile("/orders/([A-Za-z0-9._:-]{1,200})");
  private static final Pattern CANCEL = Pattern.compile("/orders/([A-Za-z0-9._:-]{1,200})/cancel");
  private static final Pattern ADDRESS =
      Pattern.compile("/orders/([A-Za-z0-9._:-]{1,200})/delivery-address");

  /**
   * An address change waits for eu-west's verdict (through the transport, both ways), then answers
   * 503 "pending": the change goes on, and the same request sent again returns its verdict.
   */
  public static final Duration ADDRESS_CHANGE_DEADLINE = Duration.ofSeconds(10);

  /**
   * A placement waits this long for us-east to start the order, then answers 503: the SDK's own
   * retries while us-east is unreachable last about a minute, long enough to hold every API thread.
   */
  public static final Duration PLACE_DEADLINE = Duration.ofSeconds(5);

  /**
   * A read describes the order (us-east answers from its store), then queries its worker: together
   * well within a second, so a worker that is busy or gone costs a prompt 503, never a hung client.
   */
  public static final Duration FIND_DEADLINE = Duration.ofMillis(300);

  public static final Duration QUERY_DEADLINE = Duration.ofMillis(600);

  /**
   * A cancel is a write the client waits for anyway: it may take longer than a read, but not
   * forever.
   */
  public static final Duration CANCEL_DEADLINE = Duration.ofSeconds(5);

  private final PlacingOrder placing;
  private final ReadingOrderStatus reading;
  private final CancellingOrder cancelling;
  private final ChangingDeliveryAddress changing;
  private final BooleanSupplier stopping;

  /**
   * @param stopping true once the process is shutting down: new orders are then refused with 503
   */
  public OrdersHttpApi(
      PlacingOrder placing,
      ReadingOrderStatus reading,
      CancellingOrder cancelling,
      ChangingDeliveryAddress changing,
      BooleanSupplier stopping) {
    this.placing = placing;
    this.reading = reading;
    this.cancelling = cancelling;
    this.changing = changing;
    this.stopping = stopping;
  }

  /** The API over us-east's client, with the use cases wired as the service runs them. */
  public static OrdersHttpApi over(
      WorkflowClient usEast, OrderPlacement placement, BooleanSupplier stopping) {
    OrderLookup reads = new OrderLookup(usEast, FIND_DEADLINE, QUERY_DEADLINE);
    OrderLookup cancels = new OrderLookup(usEast, CANCEL_DEADLINE, QUERY_DEADLINE);
    return new OrdersHttpApi(
        new PlacingOrder(usEast, placement, PLACE_DEADLINE),
        new ReadingOrderStatus(reads),
        new CancellingOrder(usEast, cancels),
        new ChangingDeliveryAddress(usEast, cancels, ADDRESS_CHANGE_DEADLINE),
        stopping);
  }

  /**
   * Answers every request with 503 "starting" until the real API replaces it (the worker must poll
   * first).
   */
  public static HttpRoute starting() {
    return call ->
        HttpReply.problem(
                Problem.of(
                    503,
                    "starting",
                    "The order service is starting",
                    "not connected to us-east yet; retry shortly (GET /readyz says when)"))
            .withHeader("Retry-After", "5");
  }

  @Override
  public HttpReply handle(HttpCall call) {
    try {
      return route(call);
    } catch (OrderLookup.Unanswered | WorkflowServiceException | StatusRuntimeException failed) {
      if (failed instanceof OrderLookup.Unanswered || isOutage(failed)) {
        // a cluster outage is the client's cue to retry, never a verdict on the order
        log.warn(
            "us-east did not answer for {} {}: {}",
            call.method(),
            call.path(),
            failed.getMessage());
        return HttpReply.problem(
                Problem.of(
                    503,
                    "cluster-unavailable",
                    "The order cluster did not answer",
                    "us-east did not answer; retry the same request (with the same Idempotency-Key) shortly"))
            .withHeader("Retry-After", "5");
      }
      log.error("us-east refused {} {}", call.method(), call.path(), failed);
      // the status code only: the server's own message may name namespaces, hosts or internals
      return HttpReply.problem(
          Problem.of(
              500,
              "internal",
              "Internal error",
              "us-east refused the request ("
                  + statusCode(failed).map(Status.Code::name).orElse("no gRPC status")
                  + "); see the order service's log"));
    }
  }

  private HttpReply route(HttpCall call) {
    String path = call.path();
    Matcher cancel = CANCEL.matcher(path);
    Matcher address = ADDRESS.matcher(path);
    Matcher order = ORDER.matcher(path);
    if (path.equals("/orders") || path.equals("/orders/")) {
      return call.method().equals("POST")
          ? unlessStopping(() -> place(call))
          : methodNotAllowed(call, "POST");
    }
    if (cancel.matches()) {
      return call.method().equals("POST")
          ? unlessStopping(() -> cancel(cancel.group(1)))
          : methodNotAllowed(call, "POST");
    }
    if (address.matches()) {
      return call.method().equals("POST")
          ? unlessStopping(() -> changeAddress(address.group(1), call))
          : methodNotAllowed(call, "POST");
    }
    if (order.matches()) {
      return call.isRead() ? status(order.group(1)) : methodNotAllowed(call, "GET");
    }
    return HttpReply.problem(
        Problem.of(
            404,
            "not-found",
            "No such resource",
            "no route for " + path + "; see docs/openapi.yaml"));
  }

  /**
   * A write, unless this instance is shutting down: then 503, for another instance to take it.
   * Asked only once the request matched a write, so a wrong path or method still answers 404 or
   * 405.
   */
  private HttpReply unlessStopping(Supplier<HttpReply> write) {
    if (stopping.getAsBoolean()) {
      return HttpReply.problem(
              Problem.of(
                  503,
                  "stopping",
                  "This instance is shutting down",
                  "retry the same request; another instance will take it"))
          .withHeader("Retry-After", "5");
    }
    return write.get();
  }

  private HttpReply place(HttpCall call) {
    PlacingOrder.PlaceOrder command;
    try {
      command =
          new PlacingOrder.PlaceOrder(
              NewOrderReader.read(call.header("Content-Type"), call.body()),
              call.header(IDEMPOTENCY_KEY));
    } catch (NewOrderReader.Refused refused) {
      return HttpReply.problem(refused.problem);
    }
    PlacingOrder.Result placed = placing.place(command);
    if (placed instanceof PlacingOrder.Accepted accepted) {
      return accepted(accepted);
    }
    if (placed instanceof PlacingOrder.Invalid invalid) {
      return HttpReply.problem(
          invalidOrder(
              invalid.problems().stream()
                  .map(problem -> new Problem.FieldError(problem.field(), problem.problem()))
                  .toList()));
    }
    if (placed instanceof PlacingOrder.InvalidKey invalidKey) {
      return HttpReply.problem(invalidKey(invalidKey.problem()));
    }
    PlacingOrder.KeyReused reused = (PlacingOrder.KeyReused) placed;
    return HttpReply.problem(
        Problem.of(
            422,
            "idempotency-key-reused",
            "Idempotency-Key reused for a different order",
            "order "
                + reused.orderId()
                + " was placed with this "
                + IDEMPOTENCY_KEY
                + " and a different body; use a new key for a new order"));
  }

  private static HttpReply accepted(PlacingOrder.Accepted accepted) {
    if (accepted.replayed()) {
      log.info(
          "order {} requested again with the same {}: answering with the order placed first",
          accepted.orderId(),
          IDEMPOTENCY_KEY);
    } else {
      log.info("order {} placed (trace {})", accepted.orderId(), accepted.traceId());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("orderId", accepted.orderId());
    body.put("statusUrl", statusUrl(accepted.orderId()));
    body.put("traceId", accepted.traceId());
    HttpReply reply =
        HttpReply.json(202, body).withHeader("Location", statusUrl(accepted.orderId()));
    return accepted.replayed() ? reply.withHeader("Idempotent-Replayed", "true") : reply;
  }

  private HttpReply status(String orderId) {
    ReadingOrderStatus.Result read = reading.read(orderId);
    if (read instanceof ReadingOrderStatus.Known known) {
      Map<String, Object> body = statusBody(known.status(), orderId);
      if (known.waiting() != null) {
        body.put("fulfillmentWaiting", waitingBody(known.waiting()));
      }
      return HttpReply.json(200, body);
    }
    if (read instanceof ReadingOrderStatus.WorkerSilent silent) {
      log.warn("status of order {} unavailable: {}", orderId, silent.reason());
      return HttpReply.problem(
              Problem.of(
                  503,
                  "status-unavailable",
                  "The order's status could not be read in time",
                  "order "
                      + orderId
                      + " exists, but its worker did not answer in time; retry shortly"))
          .withHeader("Retry-After", "1");
    }
    return HttpReply.problem(notFound(orderId));
  }

  private static Map<String, Object> statusBody(OrderStatus status, String orderId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("orderId", status.orderId());
    body.put("state", status.state());
    body.put("transport", status.transport());
    body.put("carrier", status.carrier());
    body.put("trackingNumber", status.trackingNumber());
    body.put("failureReason", status.failureReason());
    body.put("statusUrl", statusUrl(orderId));
    if (status.fulfillmentProgress() != null) {
      body.put("fulfillmentProgress", status.fulfillmentProgress());
    }
    return body;
  }

  /** Why the fulfillment call has not gone through: what an operator asks first. */
  private static Map<String, Object> waitingBody(CallWaiting waiting) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("blocked", waiting.blocked());
    body.put("reason", waiting.reason());
    body.put("attempt", waiting.attempt());
    body.put(
        "nextAttemptAt",
        waiting.nextAttemptAt() == null ? null : waiting.nextAttemptAt().toString());
    return body;
  }

  private HttpReply changeAddress(String orderId, HttpCall call) {
    DeliveryAddress address;
    try {
      address = AddressReader.read(call.header("Content-Type"), call.body());
    } catch (NewOrderReader.Refused refused) {
      return HttpReply.problem(refused.problem);
    }
    ChangingDeliveryAddress.Result changed =
        changing.change(orderId, call.header(IDEMPOTENCY_KEY), address);
    if (changed instanceof ChangingDeliveryAddress.Changed done) {
      log.info("order {}: delivery address changed, eu-west accepted", orderId);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("orderId", orderId);
      body.put("deliveryAddress", done.address());
      body.put("statusUrl", statusUrl(orderId));
      return HttpReply.json(200, body);
    }
    if (changed instanceof ChangingDeliveryAddress.RejectedByFulfillment rejected) {
      log.info("order {}: eu-west rejected the address change: {}", orderId, rejected.reason());
      return HttpReply.problem(
          Problem.of(
              409,
              "address-change-rejected",
              "eu-west rejected the address change (" + rejected.type() + ")",
              rejected.reason()));
    }
    if (changed instanceof ChangingDeliveryAddress.FulfillmentUnreachable unreachable) {
      log.warn(
          "order {}: the address change did not get through to eu-west ({}): {}",
          orderId,
          unreachable.type(),
          unreachable.reason());
      return HttpReply.problem(
          Problem.of(
              502,
              "fulfillment-unreachable",
              "The address change did not get through to eu-west",
              "no verdict from the fulfillment ("
                  + unreachable.type()
                  + "): "
                  + unreachable.reason()
                  + "; the address is unchanged"));
    }
    if (changed instanceof ChangingDeliveryAddress.KeyReused reused) {
      return HttpReply.problem(
          Problem.of(
              422,
              "idempotency-key-reused",
              "Idempotency-Key reused for a different address",
              "this "
                  + IDEMPOTENCY_KEY
                  + " was sent for order "
                  + reused.orderId()
                  + " with another address ("
                  + reused.earlier().city()
                  + ", "
                  + reused.earlier().country()
                  + "); use a new key for a new change"));
    }
    if (changed instanceof ChangingDeliveryAddress.RefusedByOrder refused) {
      return HttpReply.problem(
          OrderWorkflow.INVALID_ADDRESS.equals(refused.type())
              ? AddressReader.invalidAddress(List.of(new Problem.FieldError("$", refused.reason())))
              : Problem.of(
                  409,
                  "order-not-fulfilling",
                  "The order has no open fulfillment",
                  refused.reason()));
    }
    if (changed instanceof ChangingDeliveryAddress.Pending pending) {
      log.warn(
          "order {}: no verdict on address change {} within {} s; it goes on",
          orderId,
          pending.requestId(),
          ADDRESS_CHANGE_DEADLINE.toSeconds());
      return HttpReply.problem(
              Problem.of(
                  503,
                  "address-change-pending",
                  "The address change has no verdict yet",
                  "eu-west has not answered within "
                      + ADDRESS_CHANGE_DEADLINE.toSeconds()
                      + " s; the change goes on: send the same request with "
                      + IDEMPOTENCY_KEY
                      + ": "
                      + pending.requestId()
                      + " to read its verdict"))
          .withHeader("Retry-After", "5");
    }
    if (changed instanceof ChangingDeliveryAddress.InvalidKey invalidKey) {
      return HttpReply.problem(invalidKey(invalidKey.problem()));
    }
    return HttpReply.problem(notFound(orderId));
  }

  private HttpReply cancel(String orderId) {
    CancellingOrder.Result canceled = cancelling.cancel(orderId);
    if (canceled instanceof CancellingOrder.CancelRequested) {
      log.info("order {} cancel requested", orderId);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("orderId", orderId);
      body.put("statusUrl", statusUrl(orderId));
      return HttpReply.json(202, body).withHeader("Location", statusUrl(orderId));
    }
    if (canceled instanceof CancellingOrder.AlreadyClosed closed) {
      return HttpReply.problem(
          Problem.of(
              409,
              "order-closed",
              "The order can no longer be canceled",
              closed.state() == null
                  ? "order " + orderId + " closed meanwhile"
                  : "order " + orderId + " is already " + closed.state()));
    }
    return HttpReply.problem(notFound(orderId));
  }

  /** Unavailable, overloaded or too slow: worth retrying. Anything else is not an outage. */
  private static boolean isOutage(RuntimeException failed) {
    return statusCode(failed)
        .map(
            code ->
                code == Status.Code.UNAVAILABLE
                    || code == Status.Code.DEADLINE_EXCEEDED
                    || code == Status.Code.RESOURCE_EXHAUSTED)
        .orElse(false);
  }

  /** The gRPC status of {@code failed} or of its first cause that has one. */
  static java.util.Optional<Status.Code> statusCode(Throwable failed) {
    Throwable cause = failed;
    while (cause != null && !(cause instanceof StatusRuntimeException)) {
      cause = cause.getCause();
    }
    return cause == null
        ? java.util.Optional.empty()
        : java.util.Optional.of(((StatusRuntimeException) cause).getStatus().getCode());
  }

  static Problem invalidOrder(List<Problem.FieldError> errors) {
    return Problem.invalidFields("invalid-order", "The order is invalid", errors);
  }

  private static Problem invalidKey(String problem) {
    return Problem.of(
        400, "invalid-idempotency-key", "Invalid Idempotency-Key", IDEMPOTENCY_KEY + " " + problem);
  }

  private static Problem notFound(String orderId) {
    return Problem.of(404, "order-not-found", "No such order", "there is no order " + orderId);
  }

  private static HttpReply methodNotAllowed(HttpCall call, String allowed) {
    return HttpReply.problem(
            Problem.of(
                405,
                "method-not-allowed",
                "Method not allowed",
                call.method() + " is not supported here; use " + allowed))
        .withHeader("Allow", allowed.equals("GET") ? "GET, HEAD" : allowed);
  }

  private static String statusUrl(String orderId) {
    return "/orders/" + orderId;
  }
}
