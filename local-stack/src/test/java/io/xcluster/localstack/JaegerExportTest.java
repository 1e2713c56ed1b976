package io.xcluster.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xcluster.localstack.demo.OrderDemo;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.runtime.launch.TransportLaunchers;
import io.xcluster.testkit.jaeger.LocalJaeger;
import io.xcluster.testkit.nats.LocalNatsServer;
import io.xcluster.testkit.tools.ToolBinary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo exports to a real Jaeger (v2 all-in-one, in memory, loopback) through the standard
 * OTEL_* settings, and Jaeger's HTTP API finds each order by its {@code order.id} tag as one trace
 * with spans from every service of its path. Needs a Jaeger binary (scripts/install-tools.sh
 * jaeger); skipped without one unless XCLUSTER_REQUIRE_TOOLS=true (CI).
 */
@Timeout(240)
class JaegerExportTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void bridgedOrdersAreFoundInJaegerAsOneTraceEach() throws Exception {
    assertOrdersInJaeger("bridge", TransportLaunchers.named("bridge").serviceName());
  }

  @Test
  void natsOrdersAreFoundInJaegerAsOneTraceEach() throws Exception {
    assumeTrue(
        LocalNatsServer.availableForTests(), "nats-server not found (apt-get install nats-server)");
    assertOrdersInJaeger("nats", TransportLaunchers.named("nats").serviceName());
  }

  private void assertOrdersInJaeger(String transport, String transportService) throws Exception {
    assumeTrue(ToolBinary.JAEGER.availableForTests(), ToolBinary.JAEGER.skipReason());

    try (LocalJaeger jaeger = LocalJaeger.start()) {
      List<OrderDemo.Placed> placed;
      // the standard OTEL_* settings, as system properties so that they stay inside this test
      Map<String, String> otel =
          Map.of(
              "otel.traces.exporter", "otlp",
              "otel.exporter.otlp.endpoint", jaeger.otlpEndpoint(),
              "otel.bsp.schedule.delay", "200");
      otel.forEach(System::setProperty);
      try (LocalStack stack =
          LocalStack.start(
              new StackOptions(0, 0, transport, Duration.ofHours(48), SimulationSettings.INSTANT),
              step -> {})) {
        PrintStream quiet =
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        placed =
            new OrderDemo(stack.orderPlacement(), quiet, quiet)
                .run("jg-" + transport, 3, false, Duration.ofMinutes(1));
      } finally {
        otel.keySet()
            .forEach(System::clearProperty); // closing the stack flushed every service's spans
      }

      for (OrderDemo.Placed order : placed) {
        JsonNode trace =
            awaitOneTrace(
                jaeger,
                order.orderId(),
                Set.of(LocalStack.ORDER_SERVICE, transportService, LocalStack.FULFILLMENT_SERVICE));
        assertEquals(
            order.traceId(),
            trace.get("traceID").asText(),
            "Jaeger's trace is the one the demo printed");
        System.out.println(
            "trace of " + order.orderId() + " (" + transport + "):\n" + waterfall(trace));
      }
    }
  }

  private static JsonNode awaitOneTrace(LocalJaeger jaeger, String orderId, Set<String> services)
      throws Exception {
    String tags = URLEncoder.encode("{\"order.id\":\"" + orderId + "\"}", StandardCharsets.UTF_8);
    String query =
        "/api/traces?service=" + LocalStack.ORDER_SERVICE + "&tags=" + tags + "&limit=20";
    JsonNode data = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      data = JSON.readTree(jaeger.get(query)).get("data");
      // Jaeger ingests asynchronously: wait until the last spans (the order's own run, which ends
      // last, and the confirmation back in us-east) have arrived too
      if (data != null
          && data.size() == 1
          && servicesOf(data.get(0)).containsAll(services)
          && operationsOf(data.get(0))
              .containsAll(
                  Set.of("RunWorkflow:OrderWorkflow", "RunActivity:SendShippingConfirmation"))) {
        return data.get(0);
      }
      Thread.sleep(500);
    }
    assertTrue(
        data != null && data.size() == 1,
        "one trace for " + orderId + ", found " + (data == null ? 0 : data.size()));
    throw new AssertionError(
        "the trace of "
            + orderId
            + " is incomplete: services "
            + servicesOf(data.get(0))
            + " (needs "
            + services
            + "), operations "
            + operationsOf(data.get(0)));
  }

  private static Set<String> operationsOf(JsonNode trace) {
    Set<String> operations = new HashSet<>();
    trace.get("spans").forEach(span -> operations.add(span.get("operationName").asText()));
    return operations;
  }

  private static Set<String> servicesOf(JsonNode trace) {
    Set<String> services = new HashSet<>();
    trace.get("processes").forEach(p -> services.add(p.get("serviceName").asText()));
    return services;
  }

  /**
   * The trace as an indented text waterfall: offset from the first span, duration,
   * service/operation.
   */
  static String waterfall(JsonNode trace) {
    Map<String, String> parentOf = new HashMap<>();
    List<JsonNode> spans = new ArrayList<>();
    trace
        .get("spans")
        .forEach(
            span -> {
              spans.add(span);
              span.get("references")
                  .forEach(
                      ref -> parentOf.put(span.get("spanID").asText(), ref.get("spanID").asText()));
            });
    spans.sort(Comparator.comparingLong(s -> s.get("startTime").asLong()));
    long start = spans.get(0).get("startTime").asLong();
    StringBuilder out = new StringBuilder();
    for (JsonNode span : spans) {
      int depth = 0;
      for (String p = parentOf.get(span.get("spanID").asText()); p != null; p = parentOf.get(p)) {
        depth++;
      }
      String service =
          trace.get("processes").get(span.get("processID").asText()).get("serviceName").asText();
      out.append(
          String.format(
              "%7.1f ms %7.1f ms  %s%s / %s%n",
              (span.get("startTime").asLong() - start) / 1000.0,
              span.get("duration").asLong() / 1000.0,
              "  ".repeat(depth),
              service,
              span.get("operationName").asText()));
    }
    return out.toString();
  }
}
