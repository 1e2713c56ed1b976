package io.xcluster.region.useast.orders.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.call.RemoteUpdate;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CrossClusterCallActivity;
import io.xcluster.port.spi.CrossClusterUpdateActivity;
import io.xcluster.port.spi.DeliveredOutcome;
import io.xcluster.port.spi.OutcomeProtocol;
import io.xcluster.region.useast.orders.notification.SimulatedNotifier;
import io.xcluster.region.useast.orders.payment.SimulatedPaymentGateway;
import io.xcluster.region.useast.orders.placement.OrderPlacement;
import io.xcluster.region.useast.orders.usecase.ChangingDeliveryAddress;
import io.xcluster.region.useast.orders.worker.OrderServiceWorker;
import io.xcluster.region.useast.orders.workflow.OrderWorkflowSettings;
import io.xcluster.runtime.http.HttpCall;
import io.xcluster.runtime.http.HttpReply;
import io.xcluster.runtime.http.ServiceHealth;
import io.xcluster.runtime.http.ServiceHttpServer;
import io.xcluster.testkit.temporal.EmbeddedTemporalServer;
import io.xcluster.tracing.ServiceTracing;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /orders/{id}/delivery-address}: the order forwards the change through the port to its
 * running fulfillment, and the answer carries the remote verdict. The transport is the edge here: a
 * stand-in on the bridge's queue that hands the call over and answers updates as eu-west would
 * (accepted before packing, refused after).
 */
class DeliveryAddressChangeApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String ORDER =
      "{\"customerId\":\"c-1\",\"lines\":[{\"sku\":\"SKU-001\",\"quantity\":1}],\"amountCents\":1200,\"currency\":\"USD\",\"destinationCountry\":\"DE\"}";
  private static final String PARIS =
      "{\"recipient\":\"A. Martin\",\"street\":\"1 rue de la Paix\",\"postalCode\":\"75002\",\"city\":\"Paris\",\"country\":\"FR\"}";

  /** Updates the stand-in applied, by update id: what eu-west would have applied. */
  private final Map<String, AtomicInteger> applied = new ConcurrentHashMap<>();

  private volatile boolean packed;

  /** When set, the stand-in gives up on every update, as a transport that cannot forward it. */
  private volatile boolean givesUp;

  /** Held updates wait here until the test lets eu-west answer. */
  private volatile CountDownLatch euWestAnswers = new CountDownLatch(0);

  private EmbeddedTemporalServer usEast;
  private ClusterConnection connection;
  private WorkerFactory workers;
  private WorkerFactory transport;
  private ServiceHttpServer http;

  @BeforeEach
  void startOrderServiceAndAStandInTransport() {
    usEast = EmbeddedTemporalServer.start(0);
    connection = ClusterConnection.open(ClusterEndpoint.loopback("us-east", usEast.port()));
    OrderWorkflowSettings settings =
        new OrderWorkflowSettings(
            "us-east",
            OrderWorkflowSettings.euWestFulfillment("eu-west", "default", Duration.ofDays(1)),
            new CallRoute(
                "bridge",
                "bridge-to-eu-west",
                Duration.ofSeconds(30),
                OutcomeProtocol.RETURNED_OR_SIGNALED),
            Duration.ofHours(48));
    workers =
        OrderServiceWorker.start(
            connection, settings, new SimulatedPaymentGateway(), new SimulatedNotifier());
    transport = connection.newWorkerFactory();
    transport
        .newWorker("bridge-to-eu-west")
        .registerActivitiesImplementations(new StandInTransport());
    transport.start();
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

  /** Hands calls over and answers updates as eu-west would. */
  private final class StandInTransport
      implements CrossClusterCallActivity, CrossClusterUpdateActivity {
    @Override
    public CallOutcome call(CallRequest request) {
      return null; // handed over: the outcome comes later, as a signal
    }

    @Override
    public void cancel(CallRequest request) {}

    @Override
    public UpdateVerdict update(RemoteUpdate update) {
      if (givesUp) {
        throw ApplicationFailure.newNonRetryableFailure(
            "the transport cannot forward this update", "TransportContractViolation");
      }
      try {
        euWestAnswers.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (packed) {
        return UpdateVerdict.rejected(
            "AddressChangeTooLate",
            "the parcel is already packed and with the carrier; its address can no"
                + " longer change");
      }
      applied.computeIfAbsent(update.updateId(), id -> new AtomicInteger()).incrementAndGet();
      return UpdateVerdict.accepted(update.argument());
    }
  }

  @AfterEach
  void stop() {
    http.close();
    transport.shutdownNow();
    workers.shutdownNow();
    connection.closeNow();
    usEast.close();
  }

  @Test
  void changeBeforePackingIsAcceptedWithTheAddressEuWestNowShipsTo() throws Exception {
    String orderId = placeAndAwaitFulfilling();

    HttpResponse<String> changed = changeAddress(orderId, PARIS, "change-1");

    assertEquals(200, changed.statusCode(), changed.body());
    JsonNode body = JSON.readTree(changed.body());
    assertEquals("Paris", body.path("deliveryAddress").path("city").asText(), changed.body());
    assertEquals("FR", body.path("deliveryAddress").path("country").asText());
  }

  @Test
  void changeAfterPackingIsRefusedWithEuWestsReason() throws Exception {
    String orderId = placeAndAwaitFulfilling();
    packed = true;

    HttpResponse<String> refused = changeAddress(orderId, PARIS, "change-1");

    assertEquals(409, refused.statusCode(), refused.body());
    assertTrue(refused.headers().firstValue("Content-Type").orElse("").contains("problem+json"));
    JsonNode problem = JSON.readTree(refused.body());
    assertTrue(problem.path("type").asText().endsWith("address-change-rejected"), refused.body());
    assertTrue(
        problem.path("detail").asText().contains("already packed and with the carrier"),
        refused.body());
  }

  @Test
  void theSameRequestSentTwiceChangesTheAddressOnce() throws Exception {
    String orderId = placeAndAwaitFulfilling();

    HttpResponse<String> first = changeAddress(orderId, PARIS, "change-1");
    HttpResponse<String> again = changeAddress(orderId, PARIS, "change-1");

    assertEquals(200, first.statusCode(), first.body());
    assertEquals(200, again.statusCode(), again.body());
    assertEquals(1, applied.size(), "one update forwarded: " + applied);
    assertEquals(1, applied.values().iterator().next().get(), "applied once: " + applied);
  }

  @Test
  void malformedAddressIsRefusedNamingTheFieldWithoutReachingEuWest() throws Exception {
    String orderId = placeAndAwaitFulfilling();

    HttpResponse<String> refused =
        changeAddress(orderId, PARIS.replace("\"FR\"", "\"france\""), "change-1");

    assertEquals(400, refused.statusCode(), refused.body());
    JsonNode problem = JSON.readTree(refused.body());
    assertTrue(problem.path("type").asText().endsWith("invalid-address"), refused.body());
    assertEquals("country", problem.path("errors").path(0).path("field").asText(), refused.body());
    assertTrue(applied.isEmpty());
  }

  @Test
  void orderWhoseFulfillmentEndedRefusesTheChange() throws Exception {
    String orderId = placeAndAwaitFulfilling();
    completeFulfillment(orderId);
    awaitState(orderId, "COMPLETED");

    HttpResponse<String> refused = changeAddress(orderId, PARIS, "change-1");

    assertEquals(409, refused.statusCode(), refused.body());
    assertTrue(
        JSON.readTree(refused.body()).path("type").asText().endsWith("order-not-fulfilling"),
        refused.body());
  }

  @Test
  void theSameKeyWithAnotherAddressIsRefusedAndChangesNothing() throws Exception {
    String orderId = placeAndAwaitFulfilling();
    HttpResponse<String> first = changeAddress(orderId, PARIS, "change-1");

    HttpResponse<String> reused =
        changeAddress(
            orderId, PARIS.replace("Paris", "Lyon").replace("75002", "69001"), "change-1");

    assertEquals(200, first.statusCode(), first.body());
    assertEquals(422, reused.statusCode(), reused.body());
    assertTrue(
        JSON.readTree(reused.body()).path("type").asText().endsWith("idempotency-key-reused"),
        reused.body());
    assertEquals(1, applied.size(), "only the first change forwarded: " + applied);
  }

  @Test
  void theSameRequestSentAgainAfterTheOrderEndedAnswersAsTheFirstDid() throws Exception {
    String orderId = placeAndAwaitFulfilling();
    HttpResponse<String> first = changeAddress(orderId, PARIS, "change-1");
    completeFulfillment(orderId);
    awaitState(orderId, "COMPLETED");

    HttpResponse<String> again = changeAddress(orderId, PARIS, "change-1");
    HttpResponse<String> aNewOne = changeAddress(orderId, PARIS, "change-2");

    assertEquals(200, first.statusCode(), first.body());
    assertEquals(200, again.statusCode(), again.body());
    assertEquals(
        "Paris", JSON.readTree(again.body()).path("deliveryAddress").path("city").asText());
    assertEquals(409, aNewOne.statusCode(), "a change the order never took: " + aNewOne.body());
    assertEquals(1, applied.values().iterator().next().get(), "applied once: " + applied);
  }

  @Test
  void anAcceptedChangeRetriedWhileUsEastCannotReadItBackIsA503NotARefusal() throws Exception {
    String orderId = placeAndAwaitFulfilling();
    assertEquals(200, changeAddress(orderId, PARIS, "change-1").statusCode());
    completeFulfillment(orderId);
    awaitState(orderId, "COMPLETED");
    WorkflowServiceStubs readBackFails =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget("127.0.0.1:" + usEast.port())
                .setGrpcClientInterceptors(List.of(unavailable("PollWorkflowExecutionUpdate")))
                .build());
    try {
      WorkflowClient client = WorkflowClient.newInstance(readBackFails);
      OrdersHttpApi api =
          OrdersHttpApi.over(
              client, new OrderPlacement(client, ServiceTracing.disabled()), () -> false);

      HttpReply retried =
          api.handle(
              new HttpCall(
                  "POST",
                  "/orders/" + orderId + "/delivery-address",
                  Map.of("content-type", "application/json", "idempotency-key", "change-1"),
                  PARIS.getBytes(StandardCharsets.UTF_8)));

      String body = new String(retried.body(), StandardCharsets.UTF_8);
      assertEquals(503, retried.status(), body);
      assertTrue(body.contains("urn:xcluster:problem:cluster-unavailable"), body);
      assertEquals("5", retried.headers().get("Retry-After"));
    } finally {
      readBackFails.shutdownNow();
    }
  }

  /** Fails every call of the gRPC method {@code method} UNAVAILABLE, as an outage would. */
  private static ClientInterceptor unavailable(String method) {
    return new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(
          MethodDescriptor<Q, A> called, CallOptions options, Channel next) {
        if (!method.equals(called.getBareMethodName())) {
          return next.newCall(called, options);
        }
        return new ClientCall<>() {
          @Override
          public void start(Listener<A> listener, Metadata headers) {
            listener.onClose(Status.UNAVAILABLE.withDescription("us-east is down"), new Metadata());
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
  }

  @Test
  void changeTheTransportGaveUpOnIsABadGatewayNotARefusal() throws Exception {
    String orderId = placeAndAwaitFulfilling();
    givesUp = true;

    HttpResponse<String> failed = changeAddress(orderId, PARIS, "change-1");

    assertEquals(502, failed.statusCode(), failed.body());
    assertTrue(
        JSON.readTree(failed.body()).path("type").asText().endsWith("fulfillment-unreachable"),
        failed.body());
  }

  @Test
  void changesWaitingForEuWestLeaveTheApiFreeForEverythingElse() throws Exception {
    String orderId = placeAndAwaitFulfilling();
    euWestAnswers = new CountDownLatch(1);
    try {
      List<CompletableFuture<HttpResponse<String>>> changes = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        changes.add(changeAddressAsync(orderId, PARIS, "change-" + i));
      }
      Thread.sleep(1_000);

      HttpResponse<String> read = status(orderId);

      assertEquals(200, read.statusCode(), "reads answer while changes wait: " + read.body());
      long answeredPending =
          changes.stream()
              .filter(CompletableFuture::isDone)
              .map(CompletableFuture::join)
              .filter(reply -> reply.statusCode() == 503 && reply.body().contains("pending"))
              .count();
      assertTrue(
          answeredPending >= 20 - ChangingDeliveryAddress.MAX_WAITING_REQUESTS,
          "changes beyond the few allowed to wait answer pending at once: " + answeredPending);
    } finally {
      euWestAnswers.countDown();
    }
  }

  @Test
  void changeOnItsWayWhenTheOrderIsCanceledGetsItsVerdictBeforeTheOrderEnds() throws Exception {
    String orderId = placeAndAwaitFulfilling();
    euWestAnswers = new CountDownLatch(1);
    CompletableFuture<HttpResponse<String>> change = changeAddressAsync(orderId, PARIS, "c-1");
    Thread.sleep(500); // the change is on its way to eu-west
    WorkflowStub order = connection.client().newUntypedWorkflowStub(orderId);
    order.cancel();
    deliverOutcome(orderId, CallOutcome.canceled());
    Thread.sleep(1_000);

    assertEquals(
        WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
        order.describe().getWorkflowExecutionInfo().getStatus(),
        "the order waits for the change's verdict");
    euWestAnswers.countDown();
    HttpResponse<String> answered = change.get(30, java.util.concurrent.TimeUnit.SECONDS);

    assertNotEquals(500, answered.statusCode(), answered.body());
    assertTrue(
        answered.statusCode() == 200 || answered.statusCode() == 409,
        "a verdict, not an order that vanished under it: " + answered.body());
    awaitState(orderId, "CANCELED");
  }

  private void completeFulfillment(String orderId) {
    deliverOutcome(
        orderId,
        CallOutcome.completed(
            CallPayloads.encode(
                Map.of(
                    "orderId", orderId,
                    "parcelId", "P-1",
                    "carrier", "SIM",
                    "trackingNumber", "TRK-1"))));
  }

  private void deliverOutcome(String orderId, CallOutcome outcome) {
    connection
        .client()
        .newUntypedWorkflowStub(orderId)
        .signal(
            CallOutcomeDelivery.SIGNAL_NAME,
            new DeliveredOutcome("us-east:" + orderId + ":fulfillment", outcome));
  }

  private HttpResponse<String> status(String orderId) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/orders/" + orderId))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> changeAddressAsync(
      String orderId, String body, String key) {
    return HTTP.sendAsync(addressChange(orderId, body, key), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void unknownOrderIsNotFound() throws Exception {
    HttpResponse<String> missing = changeAddress("no-such-order", PARIS, "change-1");

    assertEquals(404, missing.statusCode(), missing.body());
  }

  private String placeAndAwaitFulfilling() throws Exception {
    HttpResponse<String> placed =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/orders"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ORDER))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(202, placed.statusCode(), placed.body());
    String orderId = JSON.readTree(placed.body()).path("orderId").asText();
    awaitState(orderId, "FULFILLING");
    // the call is made once the order is FULFILLING; its activity hands it over at once
    Thread.sleep(300);
    return orderId;
  }

  private void awaitState(String orderId, String state) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      HttpResponse<String> status =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + http.port() + "/orders/" + orderId))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (status.statusCode() == 200
          && state.equals(JSON.readTree(status.body()).path("state").asText())) {
        return;
      }
      assertTrue(System.nanoTime() < deadline, "order " + orderId + " " + state + " within 30 s");
      Thread.sleep(100);
    }
  }

  private HttpResponse<String> changeAddress(String orderId, String body, String key)
      throws Exception {
    return HTTP.send(addressChange(orderId, body, key), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest addressChange(String orderId, String body, String key) {
    return HttpRequest.newBuilder(
            URI.create(
                "http://127.0.0.1:" + http.port() + "/orders/" + orderId + "/delivery-address"))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }
}
