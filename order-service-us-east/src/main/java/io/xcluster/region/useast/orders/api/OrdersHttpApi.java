package io.xcluster.region.useast.orders.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.xcluster.region.useast.orders.placement.OrderPlacement;
import io.grpc.Status;
import io.xcluster.region.useast.orders.workflow.Order;
import io.xcluster.region.useast.orders.workflow.OrderWorkflow;
import io.xcluster.region.useast.orders.workflow.OrderStatus;
import io.xcluster.runtime.http.ServiceHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order service's HTTP API (docs/openapi.yaml): {@code POST /orders}, {@code GET /orders/{id}},
 * {@code POST /orders/{id}/cancel}. Every error is {@code application/problem+json} naming what was wrong.
 */
public final class OrdersHttpApi implements HttpHandler {

  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final int MAX_BODY_BYTES = 64 * 1024;
  static final String REQUEST_FINGERPRINT_MEMO = "request-sha256";
  static final int API_THREADS = 16;
  static final int API_QUEUE = 200;

  private static final Logger log = LoggerFactory.getLogger(OrdersHttpApi.class);
  private static final Pattern ORDER = Pattern.compile("/orders/([A-Za-z0-9._:-]{1,200})");
  private static final Pattern CANCEL = Pattern.compile("/orders/([A-Za-z0-9._:-]{1,200})/cancel");
  private static final ObjectMapper STRICT_JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final WorkflowClient usEast;
  private final OrderPlacement placement;
  private final BooleanSupplier stopping;
  private final ExecutorService workers;

  /** @param stopping true once the process is shutting down: new orders are then refused with 503 */
  public OrdersHttpApi(WorkflowClient usEast, OrderPlacement placement, BooleanSupplier stopping) {
    this.usEast = usEast;
    this.placement = placement;
    this.stopping = stopping;
    AtomicInteger threads = new AtomicInteger();
    this.workers = new ThreadPoolExecutor(API_THREADS, API_THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(API_QUEUE), runnable -> {
      Thread thread = new Thread(runnable, "orders-api-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Answers every request with 503 "starting" until the real API replaces it (the worker must poll first). */
  public static HttpHandler starting() {
    return exchange -> {
      try (exchange) {
        exchange.getResponseHeaders().set("Retry-After", "5");
        problem(exchange, Problem.of(503, "starting", "The order service is starting",
            "not connected to us-east yet; retry shortly (GET /readyz says when)"));
      }
    };
  }

  /**
   * Requests run on the API's own bounded pool, so slow calls to us-east (the SDK retries an
   * unavailable cluster for up to a minute) never starve the health endpoints' threads; when the
   * pool is full, the client is told to retry at once.
   */
  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      workers.execute(() -> serve(exchange));
    } catch (RejectedExecutionException busy) {
      try (exchange) {
        exchange.getResponseHeaders().set("Retry-After", "1");
        problem(exchange, Problem.of(503, "busy", "Too many requests in progress", "retry the same request shortly"));
      }
    }
  }

  private void serve(HttpExchange exchange) {
    try {
      route(exchange);
    } catch (WorkflowServiceException | io.grpc.StatusRuntimeException failed) {
      if (isOutage(failed)) {
        // a cluster outage is the client's cue to retry, never a verdict on the order
        log.warn("us-east did not answer for {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(), failed.getMessage());
        exchange.getResponseHeaders().set("Retry-After", "5");
        answerIfUnanswered(exchange, Problem.of(503, "cluster-unavailable", "The order cluster did not answer",
            "us-east did not answer; retry the same request (with the same Idempotency-Key) shortly"));
      } else {
        log.error("us-east refused {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), failed);
        answerIfUnanswered(exchange, Problem.of(500, "internal", "Internal error", "us-east refused the request: " + failed.getMessage()));
      }
    } catch (IOException | RuntimeException unexpected) {
      log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), unexpected);
      answerIfUnanswered(exchange, Problem.of(500, "internal", "Internal error", "the request failed; see the service's log"));
    } finally {
      exchange.close();
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    Matcher cancel = CANCEL.matcher(path);
    Matcher order = ORDER.matcher(path);
    if (stopping.getAsBoolean() && method.equals("POST")) {
      exchange.getResponseHeaders().set("Retry-After", "5");
      problem(exchange, Problem.of(503, "stopping", "This instance is shutting down", "retry the same request; another instance will take it"));
    } else if (path.equals("/orders") || path.equals("/orders/")) {
      if (method.equals("POST")) {
        placeOrder(exchange);
      } else {
        methodNotAllowed(exchange, "POST");
      }
    } else if (cancel.matches()) {
      if (method.equals("POST")) {
        cancelOrder(exchange, cancel.group(1));
      } else {
        methodNotAllowed(exchange, "POST");
      }
    } else if (order.matches()) {
      if (method.equals("GET")) {
        orderStatus(exchange, order.group(1));
      } else {
        methodNotAllowed(exchange, "GET");
      }
    } else {
      problem(exchange, Problem.of(404, "not-found", "No such resource", "no route for " + path + "; see docs/openapi.yaml"));
    }
  }

  /** Unavailable, overloaded or too slow: worth retrying. Anything else is not an outage. */
  private static boolean isOutage(RuntimeException failed) {
    Throwable cause = failed;
    while (cause != null && !(cause instanceof io.grpc.StatusRuntimeException)) {
      cause = cause.getCause();
    }
    if (cause == null) {
      return false;
    }
    Status.Code code = ((io.grpc.StatusRuntimeException) cause).getStatus().getCode();
    return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.RESOURCE_EXHAUSTED;
  }

  private static void answerIfUnanswered(HttpExchange exchange, Problem problem) {
    if (exchange.getResponseCode() == -1) {
      try {
        problem(exchange, problem);
      } catch (IOException clientGone) {
        log.debug("could not answer {}: {}", exchange.getRequestURI(), clientGone.toString());
      }
    }
  }

  private void placeOrder(HttpExchange exchange) throws IOException {
    String key = exchange.getRequestHeaders().getFirst(IDEMPOTENCY_KEY);
    if (key != null && (key.isBlank() || key.length() > OrderIds.MAX_KEY_LENGTH)) {
      problem(exchange, Problem.of(400, "invalid-idempotency-key", "Invalid Idempotency-Key",
          IDEMPOTENCY_KEY + " must be 1 to " + OrderIds.MAX_KEY_LENGTH + " characters"));
      return;
    }
    byte[] body = readBody(exchange);
    if (body == null) {
      return;
    }
    PlaceOrderRequest request;
    try {
      request = STRICT_JSON.readValue(body, PlaceOrderRequest.class);
    } catch (JsonProcessingException invalid) {
      problem(exchange, jsonProblem(invalid));
      return;
    }
    if (request == null) {
      problem(exchange, Problem.invalidOrder(List.of(new Problem.FieldError("$", "the body must be a JSON object"))));
      return;
    }
    if (request.lines() != null && request.lines().contains(null)) {
      problem(exchange, Problem.invalidOrder(List.of(new Problem.FieldError("lines[" + request.lines().indexOf(null) + "]", "must be an object with sku and quantity"))));
      return;
    }
    String orderId = key == null ? OrderIds.fresh() : OrderIds.forIdempotencyKey(request.customerId(), key);
    Order order = request.toOrder(orderId);
    List<Problem.FieldError> errors = new ArrayList<>();
    for (String problem : order.problems()) {
      int colon = problem.indexOf(':');
      int space = problem.indexOf(' ');
      int split = colon > 0 && (space < 0 || colon < space) ? colon : space;
      errors.add(new Problem.FieldError(problem.substring(0, split), problem.substring(split + 1).strip()));
    }
    if (!errors.isEmpty()) {
      problem(exchange, Problem.invalidOrder(errors));
      return;
    }
    String fingerprint = OrderIds.fingerprint(STRICT_JSON.writeValueAsBytes(request));
    try {
      OrderPlacement.PlacedOrder placed = placement.place(order, Map.of(REQUEST_FINGERPRINT_MEMO, fingerprint));
      log.info("order {} placed (trace {})", orderId, placed.traceId());
      accepted(exchange, orderId, placed.traceId(), false);
    } catch (WorkflowExecutionAlreadyStarted existing) {
      WorkflowExecutionDescription first = usEast.newUntypedWorkflowStub(orderId).describe();
      String firstFingerprint = (String) first.getMemo(REQUEST_FINGERPRINT_MEMO, String.class);
      if (!fingerprint.equals(firstFingerprint)) {
        problem(exchange, Problem.of(422, "idempotency-key-reused", "Idempotency-Key reused for a different order",
            "order " + orderId + " was placed with this " + IDEMPOTENCY_KEY + " and a different body; use a new key for a new order"));
        return;
      }
      log.info("order {} requested again with the same {}: answering with the order placed first", orderId, IDEMPOTENCY_KEY);
      accepted(exchange, orderId, (String) first.getMemo(OrderPlacement.TRACE_ID_MEMO, String.class), true);
    }
  }

  private void orderStatus(HttpExchange exchange, String orderId) throws IOException {
    try {
      OrderStatus status = usEast.newUntypedWorkflowStub(orderId).query("status", OrderStatus.class);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("orderId", status.orderId());
      body.put("state", status.state());
      body.put("transport", status.transport());
      body.put("carrier", status.carrier());
      body.put("trackingNumber", status.trackingNumber());
      body.put("failureReason", status.failureReason());
      body.put("statusUrl", statusUrl(orderId));
      ServiceHttpServer.respond(exchange, 200, body);
    } catch (WorkflowNotFoundException missing) {
      problem(exchange, notFound(orderId));
    } catch (WorkflowQueryException unanswered) {
      if (!isOrder(usEast.newUntypedWorkflowStub(orderId).describe())) {
        problem(exchange, notFound(orderId));
      } else {
        log.warn("the status query of order {} failed: {}", orderId, unanswered.getMessage());
        problem(exchange, Problem.of(502, "status-unavailable", "The order's status could not be read",
            "the order worker did not answer the status query; retry shortly"));
      }
    }
  }

  private static boolean isOrder(WorkflowExecutionDescription description) {
    return OrderWorkflow.TYPE.equals(description.getWorkflowType());
  }

  private void cancelOrder(HttpExchange exchange, String orderId) throws IOException {
    WorkflowStub workflow = usEast.newUntypedWorkflowStub(orderId);
    WorkflowExecutionDescription description;
    try {
      description = workflow.describe();
    } catch (WorkflowNotFoundException missing) {
      problem(exchange, notFound(orderId));
      return;
    }
    if (!isOrder(description)) {
      problem(exchange, notFound(orderId));
      return;
    }
    if (description.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      problem(exchange, Problem.of(409, "order-closed", "The order can no longer be canceled",
          "order " + orderId + " is already " + finalState(workflow, description.getStatus())));
      return;
    }
    try {
      workflow.cancel("canceled through the order API");
    } catch (WorkflowNotFoundException closedMeanwhile) {
      problem(exchange, Problem.of(409, "order-closed", "The order can no longer be canceled", "order " + orderId + " closed meanwhile"));
      return;
    }
    log.info("order {} cancel requested", orderId);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("orderId", orderId);
    body.put("statusUrl", statusUrl(orderId));
    exchange.getResponseHeaders().set("Location", statusUrl(orderId));
    ServiceHttpServer.respond(exchange, 202, body);
  }

  /** The order's own final state when its worker answers; the workflow's status otherwise. */
  private static String finalState(WorkflowStub workflow, WorkflowExecutionStatus status) {
    try {
      return workflow.query("status", OrderStatus.class).state().name();
    } catch (RuntimeException noAnswer) {
      return status.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
    }
  }

  private static void accepted(HttpExchange exchange, String orderId, String traceId, boolean replayed) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("orderId", orderId);
    body.put("statusUrl", statusUrl(orderId));
    body.put("traceId", traceId);
    exchange.getResponseHeaders().set("Location", statusUrl(orderId));
    if (replayed) {
      exchange.getResponseHeaders().set("Idempotent-Replayed", "true");
    }
    ServiceHttpServer.respond(exchange, 202, body);
  }

  private static String statusUrl(String orderId) {
    return URI.create("/orders/" + orderId).toString();
  }

  private static byte[] readBody(HttpExchange exchange) throws IOException {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type != null && !type.toLowerCase().startsWith("application/json")) {
      problem(exchange, Problem.of(415, "unsupported-media-type", "Unsupported media type",
          "Content-Type must be application/json, was " + type));
      return null;
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        problem(exchange, Problem.of(413, "body-too-large", "Request body too large", "an order may be at most " + MAX_BODY_BYTES + " bytes"));
        return null;
      }
      return body;
    }
  }

  private static Problem jsonProblem(JsonProcessingException invalid) {
    if (invalid instanceof UnrecognizedPropertyException unknown) {
      return Problem.invalidOrder(List.of(new Problem.FieldError(path(unknown), "unknown field; known fields are "
          + "customerId, lines, amountCents, currency, destinationCountry")));
    }
    if (invalid instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
      String expected = mismatch.getTargetType() == null ? "another type" : typeName(mismatch.getTargetType());
      String problem = invalid.getOriginalMessage().startsWith("Cannot map `null`") || invalid.getOriginalMessage().startsWith("Cannot map null")
          ? "is missing" : "must be " + expected;
      return Problem.invalidOrder(List.of(new Problem.FieldError(path(mismatch), problem)));
    }
    if (invalid instanceof MismatchedInputException) {
      return Problem.invalidOrder(List.of(new Problem.FieldError("$", "the body must be one JSON object (see docs/openapi.yaml)")));
    }
    String where = invalid.getLocation() == null ? "" : " at line " + invalid.getLocation().getLineNr() + ", column " + invalid.getLocation().getColumnNr();
    String reason = invalid.getOriginalMessage();
    int technical = reason.indexOf(" (");
    return Problem.of(400, "malformed-json", "The body is not valid JSON",
        "malformed JSON" + where + ": " + (technical > 0 ? reason.substring(0, technical) : reason));
  }

  private static String typeName(Class<?> type) {
    if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
      return "a whole number";
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type)) {
      return "an array";
    }
    return "an object";
  }

  /** {@code lines[0].quantity} from Jackson's reference path. */
  private static String path(JsonMappingException mapping) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference step : mapping.getPath()) {
      if (step.getIndex() >= 0) {
        path.append('[').append(step.getIndex()).append(']');
      } else {
        path.append(path.length() == 0 ? "" : ".").append(step.getFieldName());
      }
    }
    return path.length() == 0 ? "$" : path.toString();
  }

  private static Problem notFound(String orderId) {
    return Problem.of(404, "order-not-found", "No such order", "there is no order " + orderId);
  }

  private static void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
    exchange.getResponseHeaders().set("Allow", allowed);
    problem(exchange, Problem.of(405, "method-not-allowed", "Method not allowed",
        exchange.getRequestMethod() + " is not supported here; use " + allowed));
  }

  private static void problem(HttpExchange exchange, Problem problem) throws IOException {
    ServiceHttpServer.respond(exchange, problem.status(), Problem.CONTENT_TYPE, problem);
  }
}
