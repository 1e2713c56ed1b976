package io.xcluster.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.worker.WorkerFactory;
import io.xcluster.port.call.OutcomeKind;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.cluster.ConnectionInterceptors;
import io.xcluster.port.spi.TransportMetrics;
import io.xcluster.runtime.http.ServiceHealth;
import io.xcluster.runtime.http.ServiceHttpServer;
import io.xcluster.testkit.temporal.EmbeddedTemporalServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ServiceMetrics metrics;
  private ServiceHttpServer http;

  @BeforeEach
  void start() {
    metrics = ServiceMetrics.start("test-service");
    http =
        ServiceHttpServer.start("127.0.0.1", 0, new ServiceHealth(), "--http-host", "--http-port");
    metrics.serveOn(http);
  }

  @AfterEach
  void stop() {
    http.close();
    metrics.close();
  }

  @Test
  void metricsAreServedAsPrometheusTextWithTheJvmsAndTheServiceLabel() throws Exception {
    HttpResponse<String> scrape = send("GET", "/metrics");

    assertEquals(200, scrape.statusCode());
    assertTrue(
        scrape
            .headers()
            .firstValue("Content-Type")
            .orElse("")
            .startsWith("text/plain; version=0.0.4"),
        scrape.headers().toString());
    assertTrue(
        scrape.body().contains("jvm_memory_used_bytes{area=\"heap\""), "JVM memory is exported");
    assertTrue(scrape.body().contains("jvm_threads_live_threads{service=\"test-service\"}"));
    assertTrue(scrape.body().contains("process_cpu_usage{service=\"test-service\"}"));
    assertEquals(405, send("POST", "/metrics").statusCode());
  }

  @Test
  void aPathBelowMetricsIsNotFound() throws Exception {
    HttpResponse<String> below = send("GET", "/metrics/anything");

    assertEquals(404, below.statusCode(), below.body());
    assertEquals("application/problem+json", below.headers().firstValue("Content-Type").orElse(""));
    assertTrue(below.body().contains("urn:xcluster:problem:not-found"), below.body());
  }

  @Test
  void transportMetricsCountPerDestinationAndBucketTheOutcomeLatency() {
    TransportMetrics bridge =
        TransportMetrics.of("bridge", ClusterEndpoint.loopback("eu-west", 7234));
    bridge.started();
    bridge.started();
    bridge.completed(OutcomeKind.COMPLETED, Duration.ofSeconds(42));
    bridge.completed(OutcomeKind.CANCELED, null);
    bridge.transportError(TransportMetrics.Stage.START);
    bridge.held(() -> 3);
    // a transport started again in this JVM (a relay after a failed start) replaces the gauge
    bridge.held(() -> 7);

    String text = metrics.scrape();
    String labels = "destination=\"eu-west/default\",service=\"test-service\",transport=\"bridge\"";
    assertEquals(2.0, value(text, "xcluster_calls_started_total{" + labels + "}"));
    assertEquals(7.0, value(text, "xcluster_calls_held{" + labels + "}"));
    assertEquals(
        1.0,
        value(
            text,
            "xcluster_calls_completed_total{destination=\"eu-west/default\",outcome=\"completed\","
                + "service=\"test-service\",transport=\"bridge\"}"));
    assertEquals(
        1.0,
        value(
            text,
            "xcluster_calls_completed_total{destination=\"eu-west/default\",outcome=\"canceled\","
                + "service=\"test-service\",transport=\"bridge\"}"));
    // 42 s: outside the 30 s bucket, inside the 60 s one; only the timed outcome is observed
    assertEquals(
        0.0, value(text, "xcluster_call_outcome_seconds_bucket{" + labels + ",le=\"30.0\"}"));
    assertEquals(
        1.0, value(text, "xcluster_call_outcome_seconds_bucket{" + labels + ",le=\"60.0\"}"));
    assertEquals(1.0, value(text, "xcluster_call_outcome_seconds_count{" + labels + "}"));
    assertEquals(
        1.0,
        value(
            text,
            "xcluster_transport_errors_total{destination=\"eu-west/default\",service=\"test-service\","
                + "stage=\"start\",transport=\"bridge\"}"));
  }

  @Test
  void requestsAreCountedByRouteAndAClientCannotMintLabelValues() throws Exception {
    send("GET", "/healthz");
    send("BREW", "/healthz");
    send("GET", "/healthz/no/such/thing/" + System.nanoTime());

    String text = metrics.scrape();
    assertTrue(
        text.contains(
            "xcluster_http_server_requests_seconds_count{method=\"GET\",route=\"/healthz\","
                + "service=\"test-service\",status=\"200\"}"),
        text);
    assertTrue(text.contains("method=\"other\",route=\"/healthz\""), "unknown methods are 'other'");
    assertFalse(text.contains("no/such/thing"), "paths never become label values");
  }

  @Test
  void theTemporalSdksWorkerAndClientMetricsLandInTheSameRegistry() throws Exception {
    try (EmbeddedTemporalServer server = EmbeddedTemporalServer.start(0);
        ClusterConnection connection =
            ClusterConnection.open(
                ClusterEndpoint.loopback("us-east", server.port()),
                ConnectionInterceptors.NONE.withMetrics(metrics.temporalScope()))) {
      WorkerFactory workers = connection.newWorkerFactory();
      workers.newWorker("metrics-test-queue");
      workers.start();
      try {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String text = metrics.scrape();
        while (!text.contains("temporal_worker_task_slots_available")
            && System.nanoTime() < deadline) {
          Thread.sleep(250);
          text = metrics.scrape();
        }
        assertTrue(
            text.contains("operation=\"DescribeNamespace\"")
                && text.contains("temporal_request_total{"),
            "client requests are counted");
        assertTrue(
            text.lines()
                .anyMatch(
                    line ->
                        line.startsWith("temporal_worker_task_slots_available{")
                            && line.contains("task_queue=\"metrics-test-queue\"")),
            "worker slots, per task queue");
        assertTrue(
            text.contains("temporal_request_latency_seconds_bucket{"),
            "the SDK's latencies are histograms, aggregatable across processes");
        long bucketsPerSeries =
            text.lines()
                .filter(
                    line ->
                        line.startsWith("temporal_request_latency_seconds_bucket{")
                            && line.contains("operation=\"DescribeNamespace\""))
                .count();
        assertEquals(
            LatencyBuckets.SECONDS.length + 1,
            bucketsPerSeries,
            "fixed buckets (+Inf included), not Micrometer's ~70 percentile buckets");
      } finally {
        workers.shutdownNow();
      }
    }
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of the series written exactly as {@code series}, or NaN if absent. */
  static double value(String scrape, String series) {
    Matcher line =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+|NaN)$").matcher(scrape);
    return line.find() ? Double.parseDouble(line.group(1)) : Double.NaN;
  }
}
