package io.xcluster.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.port.call.CallId;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.useast.orders.placement.OrderPlacement.PlacedOrder;
import io.xcluster.region.useast.orders.workflow.AddressChange;
import io.xcluster.region.useast.orders.workflow.AddressChangeResult;
import io.xcluster.region.useast.orders.workflow.DeliveryAddress;
import io.xcluster.region.useast.orders.workflow.Order;
import io.xcluster.region.useast.orders.workflow.OrderLine;
import io.xcluster.region.useast.orders.workflow.OrderState;
import io.xcluster.region.useast.orders.workflow.OrderStatus;
import io.xcluster.region.useast.orders.workflow.OrderWorkflow;
import io.xcluster.runtime.launch.TransportLaunchers;
import io.xcluster.testkit.nats.LocalNatsServer;
import io.xcluster.tracing.ServiceTracing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "Where is order 42?": one order is one trace, from PlaceOrder in us-east through the transport
 * and eu-west's activities and back to the confirmation — whichever transport carried it.
 */
@Timeout(180)
class OneTracePerOrderTest {

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final Function<String, ServiceTracing> inMemory =
      name -> ServiceTracing.exportingTo(name, SimpleSpanProcessor.create(exporter));

  @Test
  void bridgedOrderIsOneTraceAcrossBothClusters() throws Exception {
    assertOneTrace(
        "bridge",
        TransportLaunchers.named("bridge").serviceName(),
        SimulationSettings.INSTANT,
        false);
  }

  @Test
  void natsOrderIsOneTraceAcrossBothClustersAndTheBroker() throws Exception {
    assumeTrue(
        LocalNatsServer.availableForTests(), "nats-server not found (apt-get install nats-server)");
    assertOneTrace(
        "nats", TransportLaunchers.named("nats").serviceName(), SimulationSettings.INSTANT, false);
  }

  @Test
  void orderStaysOneTraceWhenTheBridgeIsKilledMidCall() throws Exception {
    assertOneTrace(
        "bridge",
        TransportLaunchers.named("bridge").serviceName(),
        new SimulationSettings(Duration.ofSeconds(2), 0.0, 1L),
        true);
  }

  @Test
  void natsForwardedAddressChangeIsOneTraceFromTheRequestToEuWest() throws Exception {
    assumeTrue(
        LocalNatsServer.availableForTests(), "nats-server not found (apt-get install nats-server)");
    StackOptions options = options("nats", new SimulationSettings(Duration.ofSeconds(4), 0.0, 1L));
    try (LocalStack stack = LocalStack.start(options, step -> {}, inMemory)) {
      String orderId = "traced-address-change";
      PlacedOrder placed = place(stack, orderId);
      String remoteRun =
          new CallId(LocalStack.US_EAST, orderId, OrderWorkflow.FULFILLMENT_OPERATION).value();
      awaitTrue(() -> runs(stack, remoteRun));

      // the change is a request of its own: the update's client span starts its trace
      AddressChangeResult changed =
          placed
              .workflow()
              .update(
                  OrderWorkflow.CHANGE_DELIVERY_ADDRESS,
                  AddressChangeResult.class,
                  new AddressChange(
                      "traced-change",
                      new DeliveryAddress(
                          "A. Martin", "1 rue de la Paix", "75002", "Paris", "FR")));
      assertTrue(changed.accepted(), String.valueOf(changed));

      SpanData request =
          exporter.getFinishedSpanItems().stream()
              .filter(
                  s ->
                      s.getName().equals("UpdateWorkflow:" + OrderWorkflow.CHANGE_DELIVERY_ADDRESS)
                          && orderId.equals(
                              s.getAttributes().get(AttributeKey.stringKey("workflowId"))))
              .findFirst()
              .orElse(null);
      assertNotNull(request, "the change's client span");
      List<SpanData> euWestSide =
          exporter.getFinishedSpanItems().stream()
              .filter(s -> mentions(s, remoteRun) && s.getName().contains("Update"))
              .toList();
      assertTrue(!euWestSide.isEmpty(), "the update reached eu-west's run");
      assertEquals(
          Set.of(request.getTraceId()),
          euWestSide.stream().map(SpanData::getTraceId).collect(Collectors.toSet()),
          () ->
              "the forwarded update in eu-west is in the change's trace: "
                  + euWestSide.stream()
                      .map(s -> s.getResource().getAttribute(SERVICE_NAME) + "/" + s.getName())
                      .toList());
      if (serverKeepsSignalHeaders()) {
        awaitTrue(
            () ->
                exporter.getFinishedSpanItems().stream()
                    .anyMatch(
                        s ->
                            s.getName().equals("HandleSignal:xcluster-update-verdict")
                                && s.getTraceId().equals(request.getTraceId())));
      }
    }
  }

  private static PlacedOrder place(LocalStack stack, String orderId) {
    return stack
        .orderPlacement()
        .place(new Order(orderId, "c-1", List.of(new OrderLine("SKU-001", 1)), 4_200, "USD", "DE"));
  }

  /** Whether eu-west has a run of {@code workflowId} (open or closed). */
  private static boolean runs(LocalStack stack, String workflowId) {
    try {
      stack.euWest().client().fetchHistory(workflowId);
      return true;
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  /** The stack to trace; the real-stack tier runs the same cases on real servers. */
  StackOptions options(String transport, SimulationSettings simulation) {
    return new StackOptions(0, 0, transport, Duration.ofHours(48), simulation);
  }

  /**
   * Whether the server keeps signal headers, so that the outcome signal's {@code HandleSignal} span
   * joins the order's trace. The embedded Java test server drops them (it never sets them on the
   * WorkflowExecutionSignaled event); real servers keep them.
   */
  boolean serverKeepsSignalHeaders() {
    return false;
  }

  private boolean checked(SpanData span) {
    return serverKeepsSignalHeaders() || !span.getName().startsWith("HandleSignal:");
  }

  private void assertOneTrace(
      String transport,
      String transportService,
      SimulationSettings simulation,
      boolean restartBridge)
      throws Exception {
    StackOptions options = options(transport, simulation);
    try (LocalStack stack = LocalStack.start(options, step -> {}, inMemory)) {
      String orderId = "traced-" + transport + (restartBridge ? "-restart" : "");
      PlacedOrder placed = place(stack, orderId);
      assertNotNull(placed.traceId(), "tracing is on, so the order has a trace id");
      if (restartBridge) {
        // mid call: held by the bridge (heartbeat mode), or handed over with a callback to the
        // bridge's endpoint (callback mode, on real servers), where the bridge holds nothing
        String remoteRun =
            new CallId(
                    LocalStack.US_EAST,
                    placed.workflow().getExecution().getWorkflowId(),
                    OrderWorkflow.FULFILLMENT_OPERATION)
                .value();
        awaitTrue(() -> stack.transport().heldCalls() == 1 || runs(stack, remoteRun));
        stack.restartTransport();
      }

      OrderStatus status = placed.workflow().getResult(120, TimeUnit.SECONDS, OrderStatus.class);
      assertEquals(OrderState.COMPLETED, status.state());
      awaitTrue(() -> spanNamed("RunActivity:SendShippingConfirmation", placed.traceId()) != null);

      List<SpanData> spans = exporter.getFinishedSpanItems();
      Set<String> traceIdsOfThisOrder =
          spans.stream()
              .filter(s -> mentions(s, orderId) && checked(s))
              .map(SpanData::getTraceId)
              .collect(Collectors.toSet());
      assertEquals(
          Set.of(placed.traceId()),
          traceIdsOfThisOrder,
          () ->
              "every span of the order is in its one trace; strays: "
                  + spans.stream()
                      .filter(
                          s ->
                              mentions(s, orderId)
                                  && checked(s)
                                  && !s.getTraceId().equals(placed.traceId()))
                      .map(
                          s ->
                              s.getResource().getAttribute(SERVICE_NAME)
                                  + "/"
                                  + s.getName()
                                  + " parent="
                                  + s.getParentSpanId())
                      .toList());

      List<SpanData> trace =
          spans.stream().filter(s -> s.getTraceId().equals(placed.traceId())).toList();
      Set<String> services =
          trace.stream()
              .map(s -> s.getResource().getAttribute(SERVICE_NAME))
              .collect(Collectors.toSet());
      assertTrue(
          services.containsAll(
              Set.of(LocalStack.ORDER_SERVICE, transportService, LocalStack.FULFILLMENT_SERVICE)),
          services.toString());

      List<String> shipToRoot = ancestry(spanNamed("RunActivity:Ship", placed.traceId()), trace);
      assertEquals(
          "PlaceOrder",
          shipToRoot.get(shipToRoot.size() - 1),
          "eu-west's shipping descends from the order's root span: " + shipToRoot);
      assertTrue(
          shipToRoot.stream().anyMatch(s -> s.startsWith(transportService + "/")),
          "through the transport: " + shipToRoot);
      assertTrue(
          shipToRoot.contains(LocalStack.FULFILLMENT_SERVICE + "/RunWorkflow:FulfillmentWorkflow"),
          shipToRoot.toString());
      if (serverKeepsSignalHeaders() && transport.equals("nats")) {
        assertTrue(
            trace.stream().anyMatch(s -> s.getName().equals("HandleSignal:xcluster-call-outcome")),
            "the outcome signal's handling is in the order's trace");
      }
      List<String> confirmationToRoot =
          ancestry(spanNamed("RunActivity:SendShippingConfirmation", placed.traceId()), trace);
      assertEquals(
          "PlaceOrder",
          confirmationToRoot.get(confirmationToRoot.size() - 1),
          "and so does the confirmation back in us-east");
    }
  }

  /** "service/span name" from {@code span} up to the root; the root by its bare name. */
  private static List<String> ancestry(SpanData span, List<SpanData> trace) {
    Map<String, SpanData> byId =
        trace.stream().collect(Collectors.toMap(SpanData::getSpanId, s -> s, (a, b) -> a));
    List<String> chain = new ArrayList<>();
    for (SpanData current = span; current != null; current = byId.get(current.getParentSpanId())) {
      boolean root = !current.getParentSpanContext().isValid();
      chain.add(
          root
              ? current.getName()
              : current.getResource().getAttribute(SERVICE_NAME) + "/" + current.getName());
    }
    return chain;
  }

  private SpanData spanNamed(String name, String traceId) {
    return exporter.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(name) && s.getTraceId().equals(traceId))
        .findFirst()
        .orElse(null);
  }

  private static boolean mentions(SpanData span, String orderId) {
    return span.getAttributes().asMap().values().stream()
        .anyMatch(v -> String.valueOf(v).contains(orderId));
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 90 s");
      }
      Thread.sleep(50);
    }
  }
}
