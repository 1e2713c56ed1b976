package io.xcluster.region.useast.orders.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.region.useast.orders.notification.SimulatedNotifier;
import io.xcluster.region.useast.orders.payment.SimulatedPaymentGateway;
import io.xcluster.region.useast.orders.placement.OrderPlacement;
import io.xcluster.region.useast.orders.worker.OrderServiceWorker;
import io.xcluster.region.useast.orders.workflow.DeliveryAddress;
import io.xcluster.region.useast.orders.workflow.OrderWorkflowSettings;
import io.xcluster.runtime.http.HttpCall;
import io.xcluster.runtime.http.HttpReply;
import io.xcluster.runtime.http.Problem;
import io.xcluster.runtime.http.ServiceHealth;
import io.xcluster.runtime.http.ServiceHttpServer;
import io.xcluster.testkit.temporal.EmbeddedTemporalServer;
import io.xcluster.tracing.ServiceTracing;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The order API against an embedded us-east with the order worker running; no transport polls, so
 * placed orders wait in FULFILLING, which is all these cases need.
 */
class OrdersHttpApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String ORDER =
      "{\"customerId\":\"c-1\",\"lines\":[{\"sku\":\"SKU-001\",\"quantity\":2}],\"amountCents\":4200,\"currency\":\"USD\",\"destinationCountry\":\"DE\"}";

  private static EmbeddedTemporalServer usEast;
  private static ClusterConnection connection;
  private static WorkerFactory workers;
  private static ServiceHttpServer http;

  @BeforeAll
  static void startOrderService() {
    usEast = EmbeddedTemporalServer.start(0);
    connection = ClusterConnection.open(ClusterEndpoint.loopback("us-east", usEast.port()));
    OrderWorkflowSettings settings =
        new OrderWorkflowSettings(
            "us-east",
            OrderWorkflowSettings.euWestFulfillment("eu-west", "default", Duration.ofDays(1)),
            new CallRoute("bridge", "bridge-to-eu-west", Duration.ofSeconds(30), true),
            Duration.ofHours(48));
    workers =
        OrderServiceWorker.start(
            connection, settings, new SimulatedPaymentGateway(), new SimulatedNotifier());
    http =
        ServiceHttpServer.start("127.0.0.1", 0, new ServiceHealth(), "--http-host", "--http-port");
    http.route(
        "/orders",
        OrdersHttpApi.POOL,
        OrdersHttpApi.over(
            connection.client(),
            new OrderPlacement(connection.client(), ServiceTracing.disabled()),
            () -> false));
  }

  @AfterAll
  static void stop() {
    http.close();
    workers.shutdownNow();
    connection.closeNow();
    usEast.close();
  }

  private static HttpResponse<String> post(String path, String contentType, String key, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode problemOf(HttpResponse<String> response, int status) throws Exception {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(Problem.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElse(""));
    JsonNode problem = JSON.readTree(response.body());
    assertEquals(status, problem.path("status").asInt());
    return problem;
  }

  @Test
  void aPlacedOrderIsAcceptedWithItsIdStatusUrlAndThenReportsItsState() throws Exception {
    HttpResponse<String> placed = post("/orders", "application/json", null, ORDER);

    assertEquals(202, placed.statusCode(), placed.body());
    String orderId = JSON.readTree(placed.body()).path("orderId").asText();
    assertTrue(orderId.startsWith("ord-"), orderId);
    assertEquals("/orders/" + orderId, placed.headers().firstValue("Location").orElse(""));
    JsonNode status = JSON.readTree(get("/orders/" + orderId).body());
    assertEquals(orderId, status.path("orderId").asText());
    assertTrue(
        status.path("state").asText().matches("RECEIVED|CHARGING_PAYMENT|FULFILLING"),
        status.toString());
  }

  @Test
  void theSameIdempotencyKeyAndBodyGiveTheSameOrderNotASecondOne() throws Exception {
    HttpResponse<String> first = post("/orders", "application/json", "checkout-42", ORDER);
    HttpResponse<String> again = post("/orders", "application/json", "checkout-42", ORDER);
    HttpResponse<String> other = post("/orders", "application/json", "checkout-43", ORDER);

    assertEquals(202, first.statusCode(), first.body());
    assertEquals(202, again.statusCode(), again.body());
    String orderId = JSON.readTree(first.body()).path("orderId").asText();
    assertEquals(orderId, JSON.readTree(again.body()).path("orderId").asText());
    assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(""));
    assertNotEquals(orderId, JSON.readTree(other.body()).path("orderId").asText());
  }

  @Test
  void anIdempotencyKeyReusedForADifferentOrderIsRefused() throws Exception {
    post("/orders", "application/json", "checkout-77", ORDER);

    JsonNode problem =
        problemOf(
            post("/orders", "application/json", "checkout-77", ORDER.replace("4200", "9900")), 422);

    assertTrue(problem.path("detail").asText().contains("a different body"), problem.toString());
  }

  @Test
  void malformedJsonIsA400SayingWhere() throws Exception {
    JsonNode problem =
        problemOf(post("/orders", "application/json", null, "{\"customerId\": \"c-1\","), 400);

    assertEquals("The body is not valid JSON", problem.path("title").asText());
    assertTrue(
        problem.path("detail").asText().startsWith("malformed JSON at line 1, column"),
        problem.toString());
  }

  @Test
  void everyInvalidFieldIsNamed() throws Exception {
    String invalid =
        "{\"customerId\":\"\",\"lines\":[{\"sku\":\"SKU-001\",\"quantity\":0}],\"amountCents\":-5,\"currency\":\"dollars\"}";

    JsonNode problem = problemOf(post("/orders", "application/json", null, invalid), 400);

    assertEquals(
        "[{\"field\":\"customerId\",\"problem\":\"is missing\"},"
            + "{\"field\":\"lines[0].quantity\",\"problem\":\"must be positive, was 0\"},"
            + "{\"field\":\"amountCents\",\"problem\":\"must be positive, was -5\"},"
            + "{\"field\":\"currency\",\"problem\":\"must be an ISO 4217 code such as USD, was dollars\"},"
            + "{\"field\":\"destinationCountry\",\"problem\":\"is missing\"}]",
        problem.path("errors").toString());
  }

  @Test
  void aFieldOfTheWrongTypeOrAnUnknownFieldIsNamed() throws Exception {
    JsonNode wrongType =
        problemOf(
            post(
                "/orders",
                "application/json",
                null,
                ORDER.replace("\"quantity\":2", "\"quantity\":\"two\"")),
            400);
    JsonNode unknown =
        problemOf(
            post("/orders", "application/json", null, ORDER.replace("\"currency\"", "\"curency\"")),
            400);

    assertEquals(
        "lines[0].quantity",
        wrongType.path("errors").get(0).path("field").asText(),
        wrongType.toString());
    assertEquals(
        "curency", unknown.path("errors").get(0).path("field").asText(), unknown.toString());
  }

  @Test
  void aSkuOfTheWrongTypeIsNamedByItsLine() throws Exception {
    String twoLines =
        ORDER.replace(
            "[{\"sku\":\"SKU-001\",\"quantity\":2}]",
            "[{\"sku\":\"SKU-001\",\"quantity\":2},{\"sku\":42,\"quantity\":1}]");

    JsonNode error =
        onlyFieldError(post("/orders", "application/json", null, twoLines), "lines[1].sku");

    assertEquals("must be a string", error.path("problem").asText());
  }

  @Test
  void aRefusalFromUsEastIsA500WithItsStatusCodeButNeverItsMessage() throws Exception {
    // every call to us-east refused, as a frontend refusing this service's identity would
    ClientInterceptor refuseAll =
        new ClientInterceptor() {
          @Override
          public <Q, A> ClientCall<Q, A> interceptCall(
              MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
            return new ClientCall<>() {
              @Override
              public void start(Listener<A> listener, Metadata headers) {
                listener.onClose(
                    Status.PERMISSION_DENIED.withDescription(
                        "namespace internal-payments-ns is not allowed for 10.20.30.40"),
                    new Metadata());
              }

              @Override
              public void request(int numMessages) {}

              @Override
              public void cancel(String message, Throwable cause) {}

              @Override
              public void halfClose() {}

              @Override
              public void sendMessage(Q message) {}
            };
          }
        };
    WorkflowServiceStubs refused =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget("127.0.0.1:" + usEast.port())
                .setGrpcClientInterceptors(List.of(refuseAll))
                .build());
    try {
      WorkflowClient client = WorkflowClient.newInstance(refused);
      OrdersHttpApi api =
          OrdersHttpApi.over(
              client, new OrderPlacement(client, ServiceTracing.disabled()), () -> false);

      HttpReply reply =
          api.handle(new HttpCall("GET", "/orders/ord-any", java.util.Map.of(), new byte[0]));

      assertEquals(500, reply.status());
      String body = new String(reply.body(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(body.contains("PERMISSION_DENIED"), body);
      assertFalse(body.contains("internal-payments-ns") || body.contains("10.20.30.40"), body);
    } finally {
      refused.shutdownNow();
    }
  }

  @Test
  void aPlacementWhileUsEastIsDownIsAPrompt503ToRetryNotAMinuteOfWaiting() throws Exception {
    EmbeddedTemporalServer stopped = EmbeddedTemporalServer.start(0);
    ClusterConnection toStopped =
        ClusterConnection.open(ClusterEndpoint.loopback("us-east", stopped.port()));
    try {
      OrdersHttpApi api =
          OrdersHttpApi.over(
              toStopped.client(),
              new OrderPlacement(toStopped.client(), ServiceTracing.disabled()),
              () -> false);
      assertEquals(202, api.handle(placement("before-the-outage")).status());
      stopped.close();

      long start = System.nanoTime();
      HttpReply reply = api.handle(placement("during-the-outage"));
      long tookMillis = (System.nanoTime() - start) / 1_000_000;

      assertEquals(503, reply.status());
      String body = new String(reply.body(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(body.contains("urn:xcluster:problem:cluster-unavailable"), body);
      assertEquals("5", reply.headers().get("Retry-After"));
      assertTrue(
          tookMillis < 15_000,
          "a placement waited " + tookMillis + " ms for us-east, which is down");
    } finally {
      toStopped.closeNow();
      stopped.close();
    }
  }

  private static HttpCall placement(String idempotencyKey) {
    return new HttpCall(
        "POST",
        "/orders",
        java.util.Map.of("content-type", "application/json", "idempotency-key", idempotencyKey),
        ORDER.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void anUnknownOrderIs404ForStatusAndCancel() throws Exception {
    problemOf(get("/orders/ord-nope"), 404);
    problemOf(post("/orders/ord-nope/cancel", null, null, ""), 404);
  }

  @Test
  void aRunningOrderCanBeCanceledAndEndsCanceled() throws Exception {
    String orderId =
        JSON.readTree(post("/orders", "application/json", null, ORDER).body())
            .path("orderId")
            .asText();
    // the embedded server can lose a cancel that races the payment activity (ACTIVITY_UNKNOWN):
    // cancel once it is paid
    for (int i = 0;
        i < 300
            && !JSON.readTree(get("/orders/" + orderId).body())
                .path("state")
                .asText()
                .equals("FULFILLING");
        i++) {
      Thread.sleep(100);
    }

    HttpResponse<String> cancel = post("/orders/" + orderId + "/cancel", null, null, "");

    assertEquals(202, cancel.statusCode(), cancel.body());
    String state = "";
    for (int i = 0; i < 100 && !state.equals("CANCELED"); i++) {
      Thread.sleep(100);
      state = JSON.readTree(get("/orders/" + orderId).body()).path("state").asText();
    }
    assertEquals("CANCELED", state);
    JsonNode again = problemOf(post("/orders/" + orderId + "/cancel", null, null, ""), 409);
    assertEquals("order " + orderId + " is already CANCELED", again.path("detail").asText());
  }

  @Test
  void wrongMethodsAndMediaTypesAreNamed() throws Exception {
    JsonNode method =
        problemOf(
            HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/orders"))
                    .DELETE()
                    .build(),
                HttpResponse.BodyHandlers.ofString()),
            405);
    JsonNode media = problemOf(post("/orders", "text/plain", null, ORDER), 415);

    assertEquals("DELETE is not supported here; use POST", method.path("detail").asText());
    assertEquals(
        "Content-Type must be application/json, was text/plain", media.path("detail").asText());
  }

  @Test
  void onlyTheMediaTypeApplicationJsonIsJsonWhateverItsCaseAndParameters() throws Exception {
    problemOf(post("/orders", "application/jsonp", null, ORDER), 415);
    problemOf(post("/orders", "application/json-seq", null, ORDER), 415);
    problemOf(post("/orders/ord-any/delivery-address", "application/jsonp", "k-1", "{}"), 415);
    HttpResponse<String> withParameters =
        post("/orders", " Application/JSON ; charset=utf-8", null, ORDER);

    assertEquals(202, withParameters.statusCode(), withParameters.body());
  }

  @Test
  void whileStoppingOnlyWritesAreRefusedAndAWrongPathOrMethodIsStillNamed() throws Exception {
    OrdersHttpApi stopping =
        OrdersHttpApi.over(
            connection.client(),
            new OrderPlacement(connection.client(), ServiceTracing.disabled()),
            () -> true);

    HttpReply unknownPath =
        stopping.handle(new HttpCall("POST", "/orders/a/b/c", java.util.Map.of(), new byte[0]));
    HttpReply wrongMethod =
        stopping.handle(new HttpCall("POST", "/orders/ord-1", java.util.Map.of(), new byte[0]));
    HttpReply placement =
        stopping.handle(
            new HttpCall(
                "POST",
                "/orders",
                java.util.Map.of("content-type", "application/json"),
                ORDER.getBytes(java.nio.charset.StandardCharsets.UTF_8)));

    assertEquals(404, unknownPath.status());
    assertEquals(405, wrongMethod.status());
    assertEquals(503, placement.status());
    assertTrue(
        new String(placement.body(), java.nio.charset.StandardCharsets.UTF_8)
            .contains("urn:xcluster:problem:stopping"));
  }

  @Test
  void twoConcurrentRequestsWithTheSameKeyPlaceOneOrder() throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var first = pool.submit(() -> post("/orders", "application/json", "double-click", ORDER));
      var second = pool.submit(() -> post("/orders", "application/json", "double-click", ORDER));

      HttpResponse<String> a = first.get();
      HttpResponse<String> b = second.get();

      assertEquals(202, a.statusCode(), a.body());
      assertEquals(202, b.statusCode(), b.body());
      assertEquals(
          JSON.readTree(a.body()).path("orderId"), JSON.readTree(b.body()).path("orderId"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aWorkflowThatIsNotAnOrderIsNotFoundThroughTheOrderApi() throws Exception {
    String otherId = "not-an-order-" + System.nanoTime();
    connection
        .client()
        .newUntypedWorkflowStub(
            "SomethingElse",
            io.temporal.client.WorkflowOptions.newBuilder()
                .setWorkflowId(otherId)
                .setTaskQueue("nobody-polls")
                .build())
        .start();

    problemOf(post("/orders/" + otherId + "/cancel", null, null, ""), 404);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + http.port() + path);
  }

  private static JsonNode onlyFieldError(HttpResponse<String> response, String field)
      throws Exception {
    JsonNode problem = problemOf(response, 400);
    assertEquals(
        "urn:xcluster:problem:invalid-order", problem.path("type").asText(), problem.toString());
    assertEquals(1, problem.path("errors").size(), problem.toString());
    assertEquals(field, problem.path("errors").get(0).path("field").asText(), problem.toString());
    return problem.path("errors").get(0);
  }

  @Test
  void moneyThatIsNotAWholeNumberOfCentsIsRefusedNeverRounded() throws Exception {
    JsonNode fraction =
        onlyFieldError(
            post("/orders", "application/json", null, ORDER.replace("4200", "4200.5")),
            "amountCents");
    onlyFieldError(
        post("/orders", "application/json", null, ORDER.replace("4200", "4200.0")), "amountCents");
    onlyFieldError(
        post("/orders", "application/json", null, ORDER.replace("4200", "4.2e3")), "amountCents");

    assertEquals("must be a whole number of cents, was 4200.5", fraction.path("problem").asText());
  }

  @Test
  void aNulInATextFieldIsRefusedAtTheDoorNotTurnedIntoAFailedOrder() throws Exception {
    JsonNode nul =
        onlyFieldError(
            post("/orders", "application/json", null, ORDER.replace("\"c-1\"", "\"c\\u00001\"")),
            "customerId");

    assertTrue(
        nul.path("problem").asText().startsWith("must not contain control characters: U+0000"),
        nul.toString());
  }

  @Test
  void aLoneSurrogateIsRefused() throws Exception {
    JsonNode lone =
        onlyFieldError(
            post(
                "/orders",
                "application/json",
                null,
                ORDER.replace("\"SKU-001\"", "\"SKU-\\ud800\"")),
            "lines[0].sku");

    assertTrue(
        lone.path("problem").asText().startsWith("must be well-formed Unicode"), lone.toString());
  }

  private static final String ADDRESS =
      "{\"recipient\":\"A. Martin\",\"street\":\"1 rue de la Paix\",\"postalCode\":\"75002\",\"city\":\"Paris\",\"country\":\"FR\"}";

  /** The one field error of an address refused at the door (before any order is looked up). */
  private static JsonNode onlyAddressError(String address, String field) throws Exception {
    JsonNode problem =
        problemOf(
            post("/orders/ord-any/delivery-address", "application/json", "k-1", address), 400);
    assertEquals(
        "urn:xcluster:problem:invalid-address", problem.path("type").asText(), problem.toString());
    assertEquals(1, problem.path("errors").size(), problem.toString());
    assertEquals(field, problem.path("errors").get(0).path("field").asText(), problem.toString());
    return problem.path("errors").get(0);
  }

  @Test
  void addressFieldsFollowTheOrdersTextRules() throws Exception {
    JsonNode nul = onlyAddressError(ADDRESS.replace("A. Martin", "A.\\u0000Martin"), "recipient");
    JsonNode lone = onlyAddressError(ADDRESS.replace("1 rue", "\\ud800 rue"), "street");
    String tooLong = "\ud83d\ude00".repeat(DeliveryAddress.MAX_FIELD_LENGTH + 1);
    JsonNode length = onlyAddressError(ADDRESS.replace("Paris", tooLong), "city");

    assertTrue(
        nul.path("problem").asText().startsWith("recipient must not contain control characters"),
        nul.toString());
    assertTrue(
        lone.path("problem").asText().startsWith("street must be well-formed Unicode"),
        lone.toString());
    assertEquals("city must be at most 200 characters, was 201", length.path("problem").asText());
  }

  @Test
  void anAddressFieldIsAsLongAsItsCharactersNotItsUtf16Units() throws Exception {
    String astral = "\ud83d\ude00".repeat(DeliveryAddress.MAX_FIELD_LENGTH);

    // past the door: the address is fine, the order is what does not exist
    JsonNode problem =
        problemOf(
            post(
                "/orders/ord-nope/delivery-address",
                "application/json",
                "k-1",
                ADDRESS.replace("Paris", astral)),
            404);

    assertEquals("urn:xcluster:problem:order-not-found", problem.path("type").asText());
  }

  @Test
  void numbersAndListsHaveBounds() throws Exception {
    onlyFieldError(
        post(
            "/orders",
            "application/json",
            null,
            ORDER.replace("\"quantity\":2", "\"quantity\":10001")),
        "lines[0].quantity");
    onlyFieldError(
        post(
            "/orders",
            "application/json",
            null,
            ORDER.replace("\"quantity\":2", "\"quantity\":99999999999999999999999")),
        "lines[0].quantity");
    onlyFieldError(
        post("/orders", "application/json", null, ORDER.replace("4200", "10000000001")),
        "amountCents");
    String line = "{\"sku\":\"SKU-001\",\"quantity\":1}";
    String lines = "[" + String.join(",", java.util.Collections.nCopies(101, line)) + "]";
    onlyFieldError(
        post(
            "/orders",
            "application/json",
            null,
            ORDER.replace("[{\"sku\":\"SKU-001\",\"quantity\":2}]", lines)),
        "lines");
    onlyFieldError(
        post(
            "/orders",
            "application/json",
            null,
            ORDER.replace("\"c-1\"", "\"" + "c".repeat(129) + "\"")),
        "customerId");
  }

  @Test
  void twoSpellingsOfOneNameAreOneName() throws Exception {
    String composed = ORDER.replace("\"c-1\"", "\"caf\u00e9\"");
    String decomposed = ORDER.replace("\"c-1\"", "\"cafe\u0301\"");

    HttpResponse<String> first = post("/orders", "application/json", "nfc-1", composed);
    HttpResponse<String> again = post("/orders", "application/json", "nfc-1", decomposed);

    assertEquals(202, first.statusCode(), first.body());
    assertEquals(202, again.statusCode(), again.body());
    assertEquals(
        JSON.readTree(first.body()).path("orderId"), JSON.readTree(again.body()).path("orderId"));
    assertEquals("true", again.headers().firstValue("Idempotent-Replayed").orElse(""));
  }

  @Test
  void duplicateFieldsAreRefused() throws Exception {
    JsonNode problem =
        problemOf(
            post(
                "/orders",
                "application/json",
                null,
                ORDER.replace("{\"customerId\"", "{\"amountCents\":1,\"customerId\"")),
            400);

    assertTrue(
        problem.path("detail").asText().contains("Duplicate field 'amountCents'"),
        problem.toString());
  }

  @Test
  void headIsAnsweredLikeGetWithoutABody() throws Exception {
    String orderId =
        JSON.readTree(post("/orders", "application/json", null, ORDER).body())
            .path("orderId")
            .asText();

    for (int i = 0; i < 300 && get("/orders/" + orderId).statusCode() != 200; i++) {
      Thread.sleep(
          100); // a cold (or starved) worker may take longer than the query deadline for its first
      // answers
    }
    HttpResponse<String> existing =
        send(
            HttpRequest.newBuilder(uri("/orders/" + orderId))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    HttpResponse<String> missing =
        send(
            HttpRequest.newBuilder(uri("/orders/ord-nope"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));

    assertEquals(200, existing.statusCode());
    assertEquals("", existing.body());
    assertEquals(404, missing.statusCode());
    assertEquals(Problem.CONTENT_TYPE, missing.headers().firstValue("Content-Type").orElse(""));
  }

  @Test
  void aBadlyPercentEncodedPathIsAProblem400() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", http.port())) {
      socket
          .getOutputStream()
          .write(
              "GET /orders/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      String answer =
          new String(
              socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

      assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
      assertTrue(
          answer.contains("application/problem+json")
              && answer.contains("urn:xcluster:problem:bad-request"),
          answer);
    }
  }

  @Test
  void aWorkflowThatIsNotAnOrderIsNotFoundAtOnce() throws Exception {
    String otherId = "not-an-order-" + System.nanoTime();
    connection
        .client()
        .newUntypedWorkflowStub(
            "SomethingElse",
            io.temporal.client.WorkflowOptions.newBuilder()
                .setWorkflowId(otherId)
                .setTaskQueue("nobody-polls")
                .build())
        .start();

    long start = System.nanoTime();
    problemOf(get("/orders/" + otherId), 404);
    long tookMillis = (System.nanoTime() - start) / 1_000_000;

    assertTrue(tookMillis < 1_000, "a non-order took " + tookMillis + " ms to be refused");
  }

  @Test
  void anOrderWhoseWorkerDoesNotAnswerIsA503WithinASecond() throws Exception {
    String orphan = "ord-orphan-" + System.nanoTime();
    connection
        .client()
        .newUntypedWorkflowStub(
            io.xcluster.region.useast.orders.workflow.OrderWorkflow.TYPE,
            io.temporal.client.WorkflowOptions.newBuilder()
                .setWorkflowId(orphan)
                .setTaskQueue("nobody-polls")
                .build())
        .start();

    long start = System.nanoTime();
    JsonNode problem = problemOf(get("/orders/" + orphan), 503);
    long tookMillis = (System.nanoTime() - start) / 1_000_000;

    assertEquals("urn:xcluster:problem:status-unavailable", problem.path("type").asText());
    assertTrue(
        tookMillis < 1_000, "a read waited " + tookMillis + " ms for a worker that does not exist");
  }

  @Test
  void fortyStalledClientsDoNotDelayAnOrderPlacedMeanwhile() throws Exception {
    List<java.net.Socket> stalled = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 40; i++) {
        java.net.Socket socket = new java.net.Socket("127.0.0.1", http.port());
        socket
            .getOutputStream()
            .write(
                ("POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                        + ORDER.length()
                        + "\r\n\r\n"
                        + ORDER.substring(0, ORDER.length() / 2))
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        stalled.add(socket);
      }
      long start = System.nanoTime();
      HttpResponse<String> placed = post("/orders", "application/json", null, ORDER);
      long tookMillis = (System.nanoTime() - start) / 1_000_000;

      assertEquals(202, placed.statusCode(), placed.body());
      assertTrue(
          tookMillis < 1_000,
          "an order placed beside 40 stalled clients took " + tookMillis + " ms");
    } finally {
      for (java.net.Socket socket : stalled) {
        socket.close();
      }
    }
  }
}
