package io.xcluster.region.useast.orders.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.WorkerFactory;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallProgress;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.protection.DestinationGuard;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CallWaitingNotice;
import io.xcluster.port.spi.CrossClusterCallActivity;
import io.xcluster.port.spi.OutcomeProtocol;
import io.xcluster.region.useast.orders.notification.SimulatedNotifier;
import io.xcluster.region.useast.orders.payment.SimulatedPaymentGateway;
import io.xcluster.region.useast.orders.placement.OrderPlacement;
import io.xcluster.region.useast.orders.worker.OrderServiceWorker;
import io.xcluster.region.useast.orders.workflow.OrderStatus;
import io.xcluster.region.useast.orders.workflow.OrderWorkflowSettings;
import io.xcluster.runtime.http.ServiceHealth;
import io.xcluster.runtime.http.ServiceHttpServer;
import io.xcluster.testkit.temporal.EmbeddedTemporalServer;
import io.xcluster.tracing.ServiceTracing;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /orders/{id}} says why the fulfillment has not gone to eu-west yet, whatever the
 * transport: read from us-east (the pending call activity's last failure), or, for a call already
 * handed over, from what the transport holding it signalled. The transport is the edge here: a
 * stand-in on the bridge's queue that turns calls away or hands them over as a transport would.
 */
class FulfillmentWaitingTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String ORDER =
      "{\"customerId\":\"c-1\",\"lines\":[{\"sku\":\"SKU-001\",\"quantity\":1}],\"amountCents\":1200,\"currency\":\"USD\",\"destinationCountry\":\"DE\"}";

  /** What the stand-in transport does with each call attempt. */
  private final AtomicReference<RuntimeException> turnAway = new AtomicReference<>();

  /** Whether the stand-in hands calls over at once (as NATS does), to answer later by signal. */
  private volatile boolean handOver;

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
        .registerActivitiesImplementations(
            new CrossClusterCallActivity() {
              @Override
              public CallOutcome call(CallRequest request) {
                RuntimeException refusal = turnAway.get();
                if (refusal != null) {
                  throw refusal;
                }
                if (handOver) {
                  return null;
                }
                try {
                  Thread.sleep(Duration.ofMinutes(1).toMillis()); // held, like a bridge's call
                } catch (InterruptedException stopped) {
                  Thread.currentThread().interrupt();
                }
                return null;
              }

              @Override
              public void cancel(CallRequest request) {}
            });
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

  @AfterEach
  void stop() {
    http.close();
    transport.shutdownNow();
    workers.shutdownNow();
    connection.closeNow();
    usEast.close();
  }

  @Test
  void aCallHeldBackByTheTransportShowsAsBlockedWithItsReason() throws Exception {
    turnAway.set(
        new DestinationGuard.Blocked(
                "breaker",
                "eu-west/default: circuit breaker open (last failure: UNAVAILABLE); the next"
                    + " probe goes in 9 s",
                Duration.ofSeconds(60))
            .asFailure());

    JsonNode waiting = waitingOf(place());

    assertTrue(waiting.path("blocked").asBoolean(), waiting.toString());
    assertTrue(
        waiting.path("reason").asText().contains("circuit breaker open"), waiting.toString());
    assertEquals(2, waiting.path("attempt").asInt(), "the attempt that comes next");
    // present, null here: the in-process server does not say when; a real one does
    assertTrue(waiting.has("nextAttemptAt"), waiting.toString());
  }

  @Test
  void aCallWhoseTryFailedShowsTheFailureNotABlock() throws Exception {
    turnAway.set(new IllegalStateException("eu-west did not answer"));

    JsonNode waiting = waitingOf(place());

    assertFalse(waiting.path("blocked").asBoolean(), waiting.toString());
    assertTrue(waiting.path("reason").asText().contains("did not answer"), waiting.toString());
  }

  @Test
  void aCallThatWentThroughOnALaterAttemptNoLongerShowsTheOldBlock() throws Exception {
    // the first attempt is held back; the second goes through and stays running, as a call the
    // bridge holds (heartbeat mode) does for its whole life
    turnAway.set(
        new DestinationGuard.Blocked("breaker", "eu-west/default: open", Duration.ofSeconds(1))
            .asFailure());
    String orderId = place();
    waitingOf(orderId);
    turnAway.set(null);
    JsonNode status = statusOnceNotWaiting(orderId);
    assertFalse(status.has("fulfillmentWaiting"), status.toString());
  }

  @Test
  void aHandedOverCallShowsWhatItsTransportSaysHoldsItBackUntilItGoesThrough() throws Exception {
    handOver = true; // the call left us-east: only the transport holding it knows why it waits
    String orderId = place();
    String callId = "us-east:" + orderId + ":fulfillment";
    WorkflowStub order = connection.client().newUntypedWorkflowStub(orderId);
    long now = System.currentTimeMillis();
    order.signal(
        CallOutcomeDelivery.WAITING_SIGNAL_NAME,
        new CallWaitingNotice(
            callId, "eu-west/default: circuit breaker open", true, 3, now, now + 9_000));
    // an older notice that arrives late changes nothing
    order.signal(
        CallOutcomeDelivery.WAITING_SIGNAL_NAME,
        new CallWaitingNotice(callId, "eu-west did not answer", false, 1, now - 5_000, null));

    JsonNode waiting = waitingOf(orderId);

    assertTrue(waiting.path("blocked").asBoolean(), waiting.toString());
    assertEquals("eu-west/default: circuit breaker open", waiting.path("reason").asText());
    assertEquals(4, waiting.path("attempt").asInt(), "the attempt that comes next");
    assertEquals(
        java.time.Instant.ofEpochMilli(now + 9_000).toString(),
        waiting.path("nextAttemptAt").asText());

    order.signal(
        CallOutcomeDelivery.WAITING_SIGNAL_NAME,
        CallWaitingNotice.wentThrough(callId, 4, now + 10_000));
    JsonNode status = statusOnceNotWaiting(orderId);
    assertFalse(status.has("fulfillmentWaiting"), status.toString());
    assertEquals("FULFILLING", status.path("state").asText(), status.toString());

    // a notice whose next attempt is long past came from a relay gone since: not shown
    order.signal(
        CallOutcomeDelivery.WAITING_SIGNAL_NAME,
        new CallWaitingNotice(callId, "eu-west did not answer", false, 5, now, now - 600_000));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (order.query("status", OrderStatus.class).fulfillmentWaiting() == null) {
      assertTrue(System.nanoTime() < deadline, "the order took the notice within 30 s");
      Thread.sleep(100);
    }
    status = JSON.readTree(get("/orders/" + orderId).body());
    assertFalse(status.has("fulfillmentWaiting"), status.toString());
  }

  @Test
  void theStageEuWestLastReportedShowsLiveWhileTheCallIsOpen() throws Exception {
    handOver = true;
    String orderId = place();
    String callId = "us-east:" + orderId + ":fulfillment";
    WorkflowStub order = connection.client().newUntypedWorkflowStub(orderId);
    JsonNode before = JSON.readTree(get("/orders/" + orderId).body());
    assertFalse(before.has("fulfillmentProgress"), "nothing reported yet: " + before);

    order.signal(
        CallOutcomeDelivery.PROGRESS_SIGNAL_NAME,
        new CallProgress(
            callId,
            2,
            JSON.readTree(
                "{\"stage\":\"SHIPPED\",\"carrier\":\"SIM-EXPRESS\",\"trackingNumber\":\"TRK-1\"}"),
            System.currentTimeMillis()));
    // an older report arriving late changes nothing
    order.signal(
        CallOutcomeDelivery.PROGRESS_SIGNAL_NAME,
        new CallProgress(
            callId, 1, JSON.readTree("{\"stage\":\"SHIPPING\"}"), System.currentTimeMillis()));

    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode progress = JSON.readTree(get("/orders/" + orderId).body()).path("fulfillmentProgress");
    while (!progress.has("stage") && System.nanoTime() < deadline) {
      Thread.sleep(100);
      progress = JSON.readTree(get("/orders/" + orderId).body()).path("fulfillmentProgress");
    }
    assertEquals("SHIPPED", progress.path("stage").asText(), progress.toString());
    assertEquals("SIM-EXPRESS", progress.path("carrier").asText(), progress.toString());
    assertEquals("TRK-1", progress.path("trackingNumber").asText(), progress.toString());
  }

  @Test
  void anOrderWhoseCallIsNotRetryingHasNoWaitingField() throws Exception {
    transport.shutdownNow(); // nobody takes the call: it waits for a poller, failed nothing
    String orderId = place();
    Thread.sleep(1_500);
    JsonNode status = JSON.readTree(get("/orders/" + orderId).body());
    assertFalse(status.has("fulfillmentWaiting"), status.toString());
  }

  private String place() throws Exception {
    HttpResponse<String> placed =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/orders"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ORDER))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(202, placed.statusCode(), placed.body());
    return JSON.readTree(placed.body()).path("orderId").asText();
  }

  /** The order's status once it no longer says its fulfillment waits (30 s at most). */
  private JsonNode statusOnceNotWaiting(String orderId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode status = JSON.readTree(get("/orders/" + orderId).body());
    while (status.has("fulfillmentWaiting") && System.nanoTime() < deadline) {
      Thread.sleep(200);
      status = JSON.readTree(get("/orders/" + orderId).body());
    }
    return status;
  }

  private JsonNode waitingOf(String orderId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode status = JSON.readTree(get("/orders/" + orderId).body());
      if (status.has("fulfillmentWaiting")) {
        assertEquals("FULFILLING", status.path("state").asText(), status.toString());
        return status.path("fulfillmentWaiting");
      }
      Thread.sleep(200);
    }
    throw new AssertionError("order " + orderId + " never said why its fulfillment waits");
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
