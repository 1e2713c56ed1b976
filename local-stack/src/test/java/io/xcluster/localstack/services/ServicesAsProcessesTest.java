package io.xcluster.localstack.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.testkit.nats.LocalNatsServer;
import io.xcluster.testkit.temporal.EmbeddedTemporalServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The services as a new user runs them: each jar a separate OS process ({@code java -jar}),
 * configured by a Temporal profile file and environment variables, against two embedded clusters
 * and a real {@code nats-server}; orders placed, followed and canceled over HTTP only.
 */
class ServicesAsProcessesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ORDER_BODY =
      "{\"customerId\":\"c-%d\",\"lines\":[{\"sku\":\"SKU-%03d\",\"quantity\":1}],\"amountCents\":4200,\"currency\":\"USD\",\"destinationCountry\":\"DE\"}";

  /**
   * Kept after the run (target/, not a temp dir): the processes' logs are what to read when this
   * fails.
   */
  private final Path workDir = Path.of("target", "services-as-processes").toAbsolutePath();

  private final List<AutoCloseable> running = new ArrayList<>();

  @BeforeEach
  void emptyWorkDir() throws Exception {
    if (Files.isDirectory(workDir)) {
      try (var files = Files.walk(workDir)) {
        files
            .sorted(java.util.Comparator.reverseOrder())
            .filter(p -> !p.equals(workDir))
            .forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(workDir);
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void ordersOverHttpReachTheirFinalStateThroughBridgeRestartsAndATransportSwitch()
      throws Exception {
    boolean withNats = LocalNatsServer.availableForTests();
    if (!withNats) {
      log(
          "no nats-server on PATH or in /usr/sbin: the NATS half (transport switch) is SKIPPED; install nats-server to run it");
    }
    EmbeddedTemporalServer usEast = started(EmbeddedTemporalServer.start(0));
    EmbeddedTemporalServer euWest = started(EmbeddedTemporalServer.start(0));
    Path profiles = workDir.resolve("temporal.toml");
    Files.writeString(
        profiles,
        """
        # one profile per cluster, as the Temporal CLI reads them
        [profile.us-east]
        address = "%s"
        namespace = "default"

        [profile.eu-west]
        address = "%s"
        namespace = "default"
        """
            .formatted(usEast.address(), euWest.address()));
    Map<String, String> env =
        new LinkedHashMap<>(Map.of("TEMPORAL_CONFIG_FILE", profiles.toString()));
    LocalNatsServer nats = null;
    if (withNats) {
      nats = started(LocalNatsServer.startThrowAway());
      env.put("NATS_URL", nats.url());
    }

    log(
        "starting fulfillment-service-eu-west, two bridge-worker replicas"
            + (withNats ? ", nats-coordinator" : "")
            + ", order-service-us-east");
    ServiceJar fulfillment =
        started(
            ServiceJar.start(
                "fulfillment-service-eu-west",
                "fulfillment",
                workDir,
                env,
                "--simulated-step-delay",
                "10s"));
    ServiceJar bridgeA = started(ServiceJar.start("bridge-worker", "bridge-a", workDir, env));
    ServiceJar bridgeB = started(ServiceJar.start("bridge-worker", "bridge-b", workDir, env));
    if (withNats) {
      started(ServiceJar.startNatsCoordinator(workDir, env));
    }
    Map<String, String> orderEnv = new LinkedHashMap<>(env);
    orderEnv.put("XCLUSTER_TRANSPORT", "bridge");
    ServiceJar orders =
        started(ServiceJar.start("order-service-us-east", "orders-bridge", workDir, orderEnv));
    assertEquals(200, ServiceJar.get(orders.httpPort(), "/healthz").statusCode());
    JsonNode readiness = JSON.readTree(ServiceJar.get(orders.httpPort(), "/readyz").body());
    assertEquals(
        "up", readiness.path("checks").path("cluster us-east").asText(), readiness.toString());

    log("placing an order and canceling it while it is in flight");
    String canceled = place(orders, "key-cancel", 99);
    // canceled once its fulfillment runs in eu-west, so the cancel travels the bridge to the remote
    // run (the bridge passes it on at its next heartbeat, within 10 s; a fulfillment takes 20 s
    // here)
    awaitState(orders, canceled, "FULFILLING");
    HttpResponse<String> cancel = post(orders, "/orders/" + canceled + "/cancel", null, "");
    assertEquals(202, cancel.statusCode(), cancel.body());
    // (the cancel is through before the bridges are killed: a cancel that meets a dead bridge
    // is delivered once the call's heartbeat times out, which only real servers do; the contract
    // kit's cancellingWhileTheTransportIsDownStillCancelsTheRemoteOnceItIsBack covers it there)
    Map<String, JsonNode> canceledState = awaitFinal(orders, List.of(canceled));
    log("placing 10 orders over HTTP, each with an Idempotency-Key");
    Map<String, String> expectedTransport = new LinkedHashMap<>();
    for (int i = 0; i < 10; i++) {
      expectedTransport.put(place(orders, "key-bridge-" + i, i), "bridge");
    }

    log("a retry with the same key and body answers with the same order");
    HttpResponse<String> retry =
        post(orders, "/orders", "key-bridge-0", ORDER_BODY.formatted(0, 0));
    assertEquals(202, retry.statusCode(), retry.body());
    assertEquals(
        expectedTransport.keySet().iterator().next(),
        JSON.readTree(retry.body()).path("orderId").asText());
    assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(""));

    List<String> states = new ArrayList<>();
    long inFlight = 0;
    for (long until = System.nanoTime() + 20_000_000_000L;
        inFlight < 5 && System.nanoTime() < until;
        Thread.sleep(200)) {
      states.clear();
      for (String orderId : expectedTransport.keySet()) {
        states.add(
            JSON.readTree(ServiceJar.get(orders.httpPort(), "/orders/" + orderId).body())
                .path("state")
                .asText());
      }
      inFlight = states.stream().filter("FULFILLING"::equals).count();
    }
    log(
        inFlight
            + " of "
            + expectedTransport.size()
            + " orders are in flight in eu-west: "
            + states);
    assertTrue(
        inFlight >= 5,
        "the bridges should be killed with orders in flight; only " + inFlight + " were");

    log(
        "SIGKILL bridge replica A and SIGTERM replica B mid-flight (B stops polling and lets its calls go), restart both");
    // (eu-west's workers are not restarted here: the embedded test server never moves a workflow
    // task off a stopped worker's sticky queue, which a real server does after 5 s; the real-stack
    // tier restarts eu-west itself)
    bridgeA.kill();
    bridgeB.stop();
    assertTrue(
        bridgeB.log().contains("bridge-worker stopped in"),
        "bridge B should stop cleanly on SIGTERM:\n" + bridgeB.log());
    bridgeA.startAgain();
    bridgeB.startAgain();

    log("polling every order's status until it is final");
    Map<String, JsonNode> finalStates =
        awaitFinal(orders, new ArrayList<>(expectedTransport.keySet()));
    finalStates.putAll(canceledState);

    if (withNats) {
      // Each order keeps the transport it started with; new orders take the new one. (The switch is
      // made once the bridge orders are done only because the embedded test server keeps sending
      // queries to a stopped worker's sticky queue; a real server does not.)
      log("switching new orders to NATS: restart the order service with XCLUSTER_TRANSPORT=nats");
      orders.stop();
      assertTrue(orders.log().contains("order worker drained"), orders.log());
      orderEnv.put("XCLUSTER_TRANSPORT", "nats");
      orders = started(ServiceJar.start("order-service-us-east", "orders-nats", workDir, orderEnv));
      List<String> natsOrders = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String orderId = place(orders, "key-nats-" + i, 100 + i);
        expectedTransport.put(orderId, "nats");
        natsOrders.add(orderId);
      }
      finalStates.putAll(awaitFinal(orders, natsOrders));
    }

    expectedTransport.forEach(
        (orderId, transport) -> {
          JsonNode status = finalStates.get(orderId);
          assertEquals("COMPLETED", status.path("state").asText(), status.toString());
          assertEquals(transport, status.path("transport").asText(), status.toString());
          assertFalse(status.path("trackingNumber").asText().isBlank(), status.toString());
        });
    assertEquals(
        "CANCELED",
        finalStates.get(canceled).path("state").asText(),
        finalStates.get(canceled).toString());

    log(
        "exactly once: one fulfillment per order on eu-west, each completed; the canceled order's fulfillment canceled");
    try (ClusterConnection euWestClient =
        ClusterConnection.open(ClusterEndpoint.loopback("eu-west", euWest.port()))) {
      WorkflowClient client = euWestClient.client();
      for (String orderId : expectedTransport.keySet()) {
        WorkflowExecutionStatus status =
            client
                .newUntypedWorkflowStub("us-east:" + orderId + ":fulfillment")
                .describe()
                .getStatus();
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED, status, orderId);
      }
      WorkflowExecutionStatus canceledRemote =
          client
              .newUntypedWorkflowStub("us-east:" + canceled + ":fulfillment")
              .describe()
              .getStatus();
      assertEquals(
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED,
          canceledRemote,
          "the canceled order's fulfillment");
    }

    log("SIGTERM drains the fulfillment worker and exits cleanly");
    fulfillment.stop();
    assertTrue(
        fulfillment.log().contains("fulfillment worker on fulfillment drained in"),
        fulfillment.log());
    assertTrue(
        fulfillment.log().contains("fulfillment-service-eu-west stopped in"), fulfillment.log());

    log("a completed order can no longer be canceled; an unknown one is 404");
    String completed =
        new ArrayList<>(expectedTransport.keySet()).get(expectedTransport.size() - 1);
    HttpResponse<String> late = post(orders, "/orders/" + completed + "/cancel", null, "");
    assertEquals(409, late.statusCode(), late.body());
    assertEquals("application/problem+json", late.headers().firstValue("Content-Type").orElse(""));
    assertEquals(404, ServiceJar.get(orders.httpPort(), "/orders/ord-does-not-exist").statusCode());
    assertNotEquals(bridgeB.httpPort(), bridgeA.httpPort());
  }

  private static void awaitState(ServiceJar orders, String orderId, String state) throws Exception {
    String seen = "";
    for (long until = System.nanoTime() + 30_000_000_000L;
        !seen.equals(state) && System.nanoTime() < until;
        Thread.sleep(100)) {
      seen =
          JSON.readTree(ServiceJar.get(orders.httpPort(), "/orders/" + orderId).body())
              .path("state")
              .asText();
    }
    assertEquals(state, seen, "order " + orderId);
  }

  static Map<String, JsonNode> awaitFinal(ServiceJar orders, List<String> orderIds)
      throws Exception {
    Map<String, JsonNode> finalStates = new LinkedHashMap<>();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (finalStates.size() < orderIds.size() && System.nanoTime() < deadline) {
      for (String orderId : orderIds) {
        if (!finalStates.containsKey(orderId)) {
          HttpResponse<String> status = ServiceJar.get(orders.httpPort(), "/orders/" + orderId);
          if (status.statusCode() == 200) {
            JsonNode body = JSON.readTree(status.body());
            if (List.of("COMPLETED", "FAILED", "CANCELED").contains(body.path("state").asText())) {
              finalStates.put(orderId, body);
            }
          }
        }
      }
      Thread.sleep(500);
    }
    log(finalStates.size() + " of " + orderIds.size() + " orders final");
    assertEquals(
        orderIds.size(),
        finalStates.size(),
        "orders not final in time: "
            + orderIds.stream().filter(id -> !finalStates.containsKey(id)).toList());
    return finalStates;
  }

  static String place(ServiceJar orders, String key, int n) throws Exception {
    HttpResponse<String> response = post(orders, "/orders", key, ORDER_BODY.formatted(n, n));
    assertEquals(202, response.statusCode(), response.body());
    JsonNode body = JSON.readTree(response.body());
    String orderId = body.path("orderId").asText();
    assertEquals("/orders/" + orderId, body.path("statusUrl").asText());
    assertEquals("/orders/" + orderId, response.headers().firstValue("Location").orElse(null));
    assertNotNull(orderId);
    return orderId;
  }

  static HttpResponse<String> post(
      ServiceJar service, String path, String idempotencyKey, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(service.uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return ServiceJar.send(request);
  }

  private <T extends AutoCloseable> T started(T resource) {
    running.add(resource);
    return resource;
  }

  private static void log(String step) {
    System.out.println("[services-as-processes] " + step);
  }
}
