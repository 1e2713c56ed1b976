package io.xcluster.localstack.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xcluster.localstack.stack.StackCallbacks;
import io.xcluster.localstack.stack.TemporalDevServer;
import io.xcluster.localstack.stack.postgres.TemporalProfileFile;
import io.xcluster.runtime.launch.CallbackEndpoint;
import io.xcluster.testkit.nats.LocalNatsServer;
import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.testkit.prometheus.LocalPrometheus;
import io.xcluster.testkit.tools.ToolBinary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an operator's Prometheus sees: the four service jars as processes on two real Temporal
 * servers and a real nats-server, a real Prometheus scraping every one of them, and orders placed
 * over HTTP through each transport in turn. The figures the dashboard and the alerts use are read
 * back through Prometheus's query API and must equal what happened.
 */
class MetricsThroughPrometheusIT {

  private static final int ORDERS_PER_TRANSPORT = 8;
  private static final Duration SCRAPED = Duration.ofSeconds(30);

  private final List<AutoCloseable> running = new ArrayList<>();

  @AfterEach
  void stopEverything() throws Exception {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void prometheusScrapesEveryProcessAndItsFiguresMatchTheOrdersPlaced() throws Exception {
    assumeTrue(
        ToolBinary.TEMPORAL_CLI.availableForTests()
            && ToolBinary.NATS_SERVER.availableForTests()
            && ToolBinary.PROMETHEUS.availableForTests(),
        "needs temporal, nats-server and prometheus: scripts/install-tools.sh temporal nats prometheus");
    Path workDir =
        Files.createDirectories(
            Path.of("target", "metrics-through-prometheus-" + System.currentTimeMillis())
                .toAbsolutePath());
    TemporalDevServer usEast = started(TemporalDevServer.start("us-east", 0, workDir));
    TemporalDevServer euWest = started(TemporalDevServer.start("eu-west", 0, workDir));
    Path profiles = workDir.resolve("temporal.toml");
    TemporalProfileFile.write(profiles, usEast.endpoint(), euWest.endpoint());
    LocalNatsServer nats = started(LocalNatsServer.startThrowAway());
    Map<String, String> env = new LinkedHashMap<>();
    env.put("TEMPORAL_CONFIG_FILE", profiles.toString());
    env.put("NATS_URL", nats.url());
    CallbackEndpoint callbacks = StackCallbacks.endpoint(workDir);

    ServiceJar fulfillment =
        started(
            ServiceJar.start(
                "fulfillment-service-eu-west",
                "fulfillment",
                workDir,
                env,
                "--simulated-step-delay",
                "200ms"));
    ServiceJar bridge =
        started(
            ServiceJar.start(
                "bridge-worker",
                "bridge",
                workDir,
                env,
                "--outcome-mode",
                "callback",
                "--callback-url",
                callbacks.url().toString(),
                "--callback-listen",
                callbacks.listen(),
                "--callback-key-file",
                callbacks.keyFile().toString()));
    ServiceJar coordinator = started(ServiceJar.startNatsCoordinator(workDir, env));
    ServiceJar ordersOverBridge =
        started(orderService(workDir, env, "bridge", LoopbackPorts.free()));
    // known up front, so that Prometheus scrapes it from the start
    int ordersOverNatsPort = LoopbackPorts.free();
    LocalPrometheus prometheus =
        started(
            LocalPrometheus.start(
                workDir.resolve("prometheus"),
                Map.of(
                    "fulfillment", List.of(address(fulfillment)),
                    "bridge", List.of(address(bridge)),
                    "nats-coordinator", List.of(address(coordinator)),
                    "orders",
                        List.of(address(ordersOverBridge), "127.0.0.1:" + ordersOverNatsPort))));

    List<String> overBridge = new ArrayList<>();
    for (int i = 0; i < ORDERS_PER_TRANSPORT; i++) {
      overBridge.add(ServicesAsProcessesTest.place(ordersOverBridge, "metrics-bridge-" + i, i));
    }
    ServicesAsProcessesTest.awaitFinal(ordersOverBridge, overBridge);

    // every process is scraped and up
    assertEquals(
        4.0,
        prometheus.awaitValue("sum(up{job!=\"orders\"}) + max(up{job=\"orders\"})", 4, SCRAPED),
        String.join("\n", prometheus.targetHealth()));
    // the bridge's figures equal what happened: every order's call started and its outcome
    // delivered, with an outcome latency observed for each
    String bridgeSeries = "{transport=\"bridge\",destination=\"eu-west/default\"}";
    assertEquals(
        ORDERS_PER_TRANSPORT,
        prometheus.awaitValue(
            "sum(xcluster_calls_completed_total{transport=\"bridge\",outcome=\"completed\"})",
            ORDERS_PER_TRANSPORT,
            SCRAPED));
    assertEquals(
        ORDERS_PER_TRANSPORT,
        prometheus.awaitValue(
            "sum(xcluster_calls_started_total" + bridgeSeries + ")",
            ORDERS_PER_TRANSPORT,
            SCRAPED));
    assertEquals(
        ORDERS_PER_TRANSPORT,
        prometheus.awaitValue(
            "sum(xcluster_call_outcome_seconds_count" + bridgeSeries + ")",
            ORDERS_PER_TRANSPORT,
            SCRAPED));
    double p99 =
        prometheus
            .query(
                "histogram_quantile(0.99, sum by (le) (xcluster_call_outcome_seconds_bucket"
                    + bridgeSeries
                    + "))")
            .orElse(Double.NaN);
    assertTrue(p99 > 0 && p99 <= 60, "p99 outcome latency over the bridge: " + p99 + " s");
    assertEquals(
        ORDERS_PER_TRANSPORT,
        prometheus.awaitValue(
            "sum(xcluster_bridge_callbacks_total{result=\"delivered\"})",
            ORDERS_PER_TRANSPORT,
            SCRAPED),
        "each outcome came back by one callback");
    // the order API counted each placement; the SDK's metrics say the bridge is polling
    assertEquals(
        ORDERS_PER_TRANSPORT,
        prometheus.awaitValue(
            "sum(xcluster_http_server_requests_seconds_count{route=\"/orders\",method=\"POST\",status=\"202\"})",
            ORDERS_PER_TRANSPORT,
            SCRAPED));
    assertTrue(
        prometheus
                .query(
                    "sum(temporal_long_request_total{service=\"bridge-worker\",task_queue=\"bridge-to-eu-west\"})")
                .orElse(0)
            > 0,
        "the bridge's polls of its task queue are counted");
    assertTrue(
        prometheus.query("sum(jvm_memory_used_bytes{area=\"heap\"}) by (service)").isPresent());

    // the transport switched by one setting: the same figures for NATS
    ordersOverBridge.stop();
    ServiceJar ordersOverNats = started(orderService(workDir, env, "nats", ordersOverNatsPort));
    List<String> overNats = new ArrayList<>();
    for (int i = 0; i < ORDERS_PER_TRANSPORT; i++) {
      overNats.add(ServicesAsProcessesTest.place(ordersOverNats, "metrics-nats-" + i, 100 + i));
    }
    ServicesAsProcessesTest.awaitFinal(ordersOverNats, overNats);
    String natsSeries = "{transport=\"nats\",destination=\"eu-west/default\"}";
    assertEquals(
        ORDERS_PER_TRANSPORT,
        prometheus.awaitValue(
            "sum(xcluster_calls_completed_total{transport=\"nats\",destination=\"eu-west/default\",outcome=\"completed\"})",
            ORDERS_PER_TRANSPORT,
            SCRAPED),
        "the calling side labels outcomes with the destination the relay named");
    assertEquals(
        ORDERS_PER_TRANSPORT,
        prometheus.awaitValue(
            "sum(xcluster_calls_started_total" + natsSeries + ")", ORDERS_PER_TRANSPORT, SCRAPED));
    assertEquals(
        ORDERS_PER_TRANSPORT,
        prometheus.awaitValue(
            "sum(xcluster_nats_published_total{kind=\"calls\"})", ORDERS_PER_TRANSPORT, SCRAPED));
    assertEquals(
        ORDERS_PER_TRANSPORT,
        prometheus.awaitValue(
            "sum(xcluster_nats_published_total{kind=\"results\"})", ORDERS_PER_TRANSPORT, SCRAPED));
    assertEquals(
        ORDERS_PER_TRANSPORT,
        prometheus.awaitValue(
            "sum(xcluster_call_outcome_seconds_count" + natsSeries + ")",
            ORDERS_PER_TRANSPORT,
            SCRAPED));
    assertEquals(
        0.0,
        prometheus.awaitValue(
            "sum(xcluster_nats_consumer_ack_pending_messages{consumer=\"eu-west-calls\"})",
            0,
            SCRAPED),
        "no call is held once every order is done");
    assertEquals(
        0.0,
        prometheus.query("sum(xcluster_nats_dead_letters_total)").orElse(Double.NaN),
        "every kind of dead letter is counted from 0, and nothing was dead-lettered");
    assertEquals(
        0.0,
        prometheus.query("sum(xcluster_calls_held)").orElse(Double.NaN),
        "nothing is held once every order is done");
    assertEquals(
        0.0,
        prometheus
            .query(
                "sum(temporal_activity_execution_failed_total{task_queue=~\"(bridge|nats)-to-.+\"})")
            .orElse(0),
        "no call failed in a transport (the calls-failing alert's series)");
    // the target's visibility, counted by both transports: no fulfillment is open any more (each
    // transport counts every 30 s; the series must exist for the value to be 0)
    for (String transport : List.of("bridge", "nats")) {
      assertEquals(
          0.0,
          prometheus.awaitValue(
              "max(xcluster_remote_runs_open{transport=\""
                  + transport
                  + "\",workflow_type=\"FulfillmentWorkflow\"})",
              0,
              Duration.ofSeconds(45)),
          transport + " counts the open remote runs on eu-west");
    }
  }

  private static ServiceJar orderService(
      Path workDir, Map<String, String> env, String transport, int httpPort) {
    Map<String, String> orderEnv = new LinkedHashMap<>(env);
    orderEnv.put("XCLUSTER_TRANSPORT", transport);
    return ServiceJar.startOnPort(
        "order-service-us-east", "orders-" + transport, httpPort, workDir, orderEnv);
  }

  private static String address(ServiceJar service) {
    return "127.0.0.1:" + service.httpPort();
  }

  private <T extends AutoCloseable> T started(T resource) {
    running.add(resource);
    return resource;
  }
}
