package io.xcluster.region.useast.orders.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.worker.WorkerFactory;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.region.useast.orders.notification.SimulatedNotifier;
import io.xcluster.region.useast.orders.payment.SimulatedPaymentGateway;
import io.xcluster.region.useast.orders.placement.OrderPlacement;
import io.xcluster.region.useast.orders.worker.OrderServiceWorker;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A closed order read while no order worker runs (a deploy, a crash): the API answers from what
 * us-east recorded, which must be the order's own final state, not just "its workflow completed".
 */
class ClosedOrderWithoutItsWorkerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** The simulated gateway declines customers named {@code declined-…}: the order ends FAILED. */
  private static final String DECLINED_ORDER =
      "{\"customerId\":\"declined-1\",\"lines\":[{\"sku\":\"SKU-001\",\"quantity\":1}],\"amountCents\":4200,\"currency\":\"USD\",\"destinationCountry\":\"DE\"}";

  private EmbeddedTemporalServer usEast;
  private ClusterConnection connection;
  private WorkerFactory workers;
  private ServiceHttpServer http;

  @BeforeEach
  void startOrderService() {
    usEast = EmbeddedTemporalServer.start(0);
    connection = ClusterConnection.open(ClusterEndpoint.loopback("us-east", usEast.port()));
    workers =
        OrderServiceWorker.start(
            connection,
            new OrderWorkflowSettings(
                "us-east",
                OrderWorkflowSettings.euWestFulfillment("eu-west", "default", Duration.ofDays(1)),
                new CallRoute("bridge", "bridge-to-eu-west", Duration.ofSeconds(30), true),
                Duration.ofHours(48)),
            new SimulatedPaymentGateway(),
            new SimulatedNotifier());
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
    workers.shutdownNow();
    connection.closeNow();
    usEast.close();
  }

  @Test
  void aFailedOrderReadsFailedWithItsReasonWhenNoWorkerAnswers() throws Exception {
    String orderId = failedOrderWithItsWorkerGone();

    HttpResponse<String> read = send(HttpRequest.newBuilder(uri("/orders/" + orderId)));

    assertEquals(200, read.statusCode(), read.body());
    JsonNode status = JSON.readTree(read.body());
    assertEquals("FAILED", status.path("state").asText(), read.body());
    assertTrue(
        status.path("failureReason").asText().startsWith("payment: PaymentDeclined: "),
        read.body());
  }

  @Test
  void aFailedOrderCannotBeCanceledAndTheRefusalNamesFailedWhenNoWorkerAnswers() throws Exception {
    String orderId = failedOrderWithItsWorkerGone();

    HttpResponse<String> cancel =
        send(
            HttpRequest.newBuilder(uri("/orders/" + orderId + "/cancel"))
                .POST(HttpRequest.BodyPublishers.noBody()));

    assertEquals(409, cancel.statusCode(), cancel.body());
    assertEquals(
        "order " + orderId + " is already FAILED",
        JSON.readTree(cancel.body()).path("detail").asText(),
        cancel.body());
  }

  /** Places an order the gateway declines, waits for it to end FAILED, then stops the worker. */
  private String failedOrderWithItsWorkerGone() throws Exception {
    HttpResponse<String> placed =
        send(
            HttpRequest.newBuilder(uri("/orders"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(DECLINED_ORDER)));
    assertEquals(202, placed.statusCode(), placed.body());
    String orderId = JSON.readTree(placed.body()).path("orderId").asText();
    String state = "";
    for (int i = 0; i < 300 && !state.equals("FAILED"); i++) {
      Thread.sleep(100);
      HttpResponse<String> read = send(HttpRequest.newBuilder(uri("/orders/" + orderId)));
      state = read.statusCode() == 200 ? JSON.readTree(read.body()).path("state").asText() : "";
    }
    assertEquals("FAILED", state, "the declined order's worker reports it FAILED");
    workers.shutdownNow();
    workers.awaitTermination(10, TimeUnit.SECONDS);
    assertTrue(workers.isTerminated(), "the order worker stopped");
    return orderId;
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + http.port() + path);
  }
}
