package io.xcluster.region.useast.orders.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.call.RemoteUpdate;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CrossClusterCallActivity;
import io.xcluster.port.spi.CrossClusterUpdateActivity;
import io.xcluster.port.spi.DeliveredOutcome;
import io.xcluster.region.useast.orders.notification.NotificationActivities;
import io.xcluster.region.useast.orders.notification.SimulatedNotifier;
import io.xcluster.region.useast.orders.payment.SimulatedPaymentGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** OrderWorkflow against a scripted transport, on Temporal's time-skipping test server. */
@Timeout(60)
class OrderWorkflowTest {

  private static final String TRANSPORT_QUEUE = "scripted-transport";

  private final SimulatedPaymentGateway payments = new SimulatedPaymentGateway();
  private final SimulatedNotifier notifications = new SimulatedNotifier();
  private final HeldConfirmations confirmations = new HeldConfirmations(notifications);
  private final ScriptedTransport transport = new ScriptedTransport();
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  /** Outcomes by order id; an order without one is handed over and its outcome never comes. */
  static final class ScriptedTransport
      implements CrossClusterCallActivity, CrossClusterUpdateActivity {
    final Map<String, CallOutcome> outcomes = new ConcurrentHashMap<>();
    final Map<String, CallRequest> received = new ConcurrentHashMap<>();
    final Map<String, CallRequest> canceled = new ConcurrentHashMap<>();
    final Map<String, RemoteUpdate> forwarded = new ConcurrentHashMap<>();

    @Override
    public CallOutcome call(CallRequest request) {
      received.put(request.callId().sourceWorkflowId(), request);
      return outcomes.get(request.callId().sourceWorkflowId());
    }

    @Override
    public void cancel(CallRequest request) {
      canceled.put(request.callId().sourceWorkflowId(), request);
    }

    /** eu-west accepts every forwarded update while its run is open. */
    @Override
    public UpdateVerdict update(RemoteUpdate update) {
      forwarded.put(update.updateId(), update);
      return UpdateVerdict.accepted(update.argument());
    }
  }

  /**
   * The notifier, with the shipping confirmation held until {@link #release()}: keeps an order open
   * while a test sends it a second signal (a closed order would answer "not found", not ignore it).
   */
  static final class HeldConfirmations implements NotificationActivities {
    private final NotificationActivities delegate;
    private volatile CountDownLatch gate = new CountDownLatch(0);

    HeldConfirmations(NotificationActivities delegate) {
      this.delegate = delegate;
    }

    void hold() {
      gate = new CountDownLatch(1);
    }

    void release() {
      gate.countDown();
    }

    @Override
    public void sendShippingConfirmation(String orderId, String carrier, String trackingNumber) {
      try {
        if (!gate.await(20, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released the confirmation");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      delegate.sendShippingConfirmation(orderId, carrier, trackingNumber);
    }

    @Override
    public void escalate(String orderId, String reason) {
      delegate.escalate(orderId, reason);
    }
  }

  private void start(boolean outcomeByActivity) {
    env = TestWorkflowEnvironment.newInstance();
    CallRoute route =
        new CallRoute("scripted", TRANSPORT_QUEUE, Duration.ofSeconds(30), outcomeByActivity);
    OrderWorkflowSettings settings =
        new OrderWorkflowSettings(
            "us-east",
            OrderWorkflowSettings.euWestFulfillment("eu-west", "default", Duration.ofDays(7)),
            route,
            OrderWorkflowSettings.DEFAULT_FULFILLMENT_TIMEOUT);
    Worker orders = env.newWorker(OrderWorkflow.TASK_QUEUE);
    orders.registerWorkflowImplementationFactory(
        OrderWorkflow.class, () -> new OrderWorkflowImpl(settings));
    orders.registerActivitiesImplementations(payments, confirmations);
    env.newWorker(TRANSPORT_QUEUE).registerActivitiesImplementations(transport);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void close() {
    env.close();
  }

  private OrderWorkflow orderStub(String orderId) {
    return client.newWorkflowStub(
        OrderWorkflow.class,
        WorkflowOptions.newBuilder()
            .setTaskQueue(OrderWorkflow.TASK_QUEUE)
            .setWorkflowId(orderId)
            .build());
  }

  private static Order order(String orderId, String sku) {
    return new Order(orderId, "customer-1", List.of(new OrderLine(sku, 1)), 4_200, "USD", "DE");
  }

  private static CallOutcome shipped(String orderId) {
    return CallOutcome.completed(
        CallPayloads.encode(
            Map.of(
                "orderId",
                orderId,
                "parcelId",
                "P-1",
                "carrier",
                "SIM",
                "trackingNumber",
                "TRK-" + orderId)));
  }

  @Test
  void shippedOrderIsConfirmedToTheCustomerAndCompletes() {
    start(true);
    transport.outcomes.put("order-1", shipped("order-1"));

    OrderStatus result = orderStub("order-1").placeOrder(order("order-1", "SKU-001"));

    assertEquals(OrderState.COMPLETED, result.state());
    assertEquals("TRK-order-1", result.trackingNumber());
    assertEquals("scripted", result.transport());
    assertEquals("TRK-order-1", notifications.confirmationFor("order-1"));
    assertEquals("us-east:order-1:fulfillment", transport.received.get("order-1").callId().value());
    assertEquals("FulfillmentWorkflow", transport.received.get("order-1").target().workflowType());
    assertNull(payments.refundReason("order-1"));
  }

  @Test
  void remoteFulfillmentFailureRefundsThePaymentAndFailsTheOrderWithTheReason() {
    start(true);
    transport.outcomes.put(
        "order-2", CallOutcome.failed("UnknownSku", "unknown SKU 'NOPE-1'", true));

    OrderStatus result = orderStub("order-2").placeOrder(order("order-2", "NOPE-1"));

    assertEquals(OrderState.FAILED, result.state());
    assertTrue(
        result.failureReason().contains("UnknownSku: unknown SKU 'NOPE-1'"),
        result.failureReason());
    assertTrue(payments.wasCharged("order-2"));
    assertNotNull(payments.refundReason("order-2"), "the payment is refunded");
    assertNull(notifications.confirmationFor("order-2"));
  }

  @Test
  void noOutcomeWithin48HoursEscalatesAndALateOutcomeStillCompletesTheOrder() throws Exception {
    start(false); // handed over; the outcome would come as a signal, and does not
    OrderWorkflow order = orderStub("order-3");
    WorkflowClient.start(order::placeOrder, order("order-3", "SKU-001"));

    env.sleep(Duration.ofHours(47));
    assertNull(notifications.escalationFor("order-3"), "no escalation before 48 h");
    assertEquals(OrderState.FULFILLING, order.status().state());

    env.sleep(Duration.ofHours(2));
    assertNotNull(notifications.escalationFor("order-3"), "escalated after 48 h");
    assertEquals(OrderState.ESCALATED, order.status().state());

    WorkflowStub untyped = WorkflowStub.fromTyped(order);
    confirmations.hold(); // the order stays open for the duplicate
    untyped.signal(
        CallOutcomeDelivery.SIGNAL_NAME,
        new DeliveredOutcome("us-east:order-3:fulfillment", shipped("order-3")));
    untyped.signal(
        CallOutcomeDelivery.SIGNAL_NAME,
        new DeliveredOutcome(
            "us-east:order-3:fulfillment",
            CallOutcome.failed("Late", "a duplicate must be ignored", true)));
    confirmations.release();

    OrderStatus result = untyped.getResult(10, TimeUnit.SECONDS, OrderStatus.class);
    assertEquals(OrderState.COMPLETED, result.state());
    assertEquals("TRK-order-3", result.trackingNumber());
  }

  /**
   * Records the histories {@link OrderWorkflowReplayTest} replays. Run after a workflow change that
   * adds a {@code Workflow.getVersion} branch, with the file names' version suffix raised, to add
   * histories of the new shape (never overwrite old ones: they stand for orders in flight): {@code
   * ./mvnw -pl order-service-us-east test -Dtest=OrderWorkflowTest -Dxcluster.recordHistories=true}
   */
  @Test
  @EnabledIfSystemProperty(named = "xcluster.recordHistories", matches = "true")
  void recordHistoriesForTheReplayTest() throws Exception {
    String version = "v3";
    Path dir = Path.of("src/test/resources/histories");
    Files.createDirectories(dir);
    shippedOrderIsConfirmedToTheCustomerAndCompletes();
    record(dir, "order-completed-outcome-by-activity-" + version, "order-1");
    env.close();
    noOutcomeWithin48HoursEscalatesAndALateOutcomeStillCompletesTheOrder();
    record(dir, "order-escalated-outcome-by-signal-" + version, "order-3");
    env.close();
    canceledOrderCancelsTheRemoteFulfillmentThenRefunds();
    record(dir, "order-canceled-then-refunded-" + version, "order-6");
    env.close();
    addressChangeIsForwardedToTheRunningFulfillmentAndTheOrderCompletes();
    record(dir, "order-address-changed-then-completed-" + version, "order-8");
  }

  private void record(Path dir, String name, String orderId) throws Exception {
    Files.writeString(dir.resolve(name + ".json"), client.fetchHistory(orderId).toJson(true));
  }

  @Test
  void addressChangeIsForwardedToTheRunningFulfillmentAndTheOrderCompletes() throws Exception {
    start(false); // handed over: the order stays open until the outcome signal
    OrderWorkflow order = orderStub("order-8");
    WorkflowClient.start(order::placeOrder, order("order-8", "SKU-001"));
    awaitTrue(() -> transport.received.containsKey("order-8"));
    DeliveryAddress paris =
        new DeliveryAddress("A. Martin", "1 rue de la Paix", "75002", "Paris", "FR");

    AddressChangeResult verdict = order.changeDeliveryAddress(new AddressChange("change-1", paris));

    assertTrue(verdict.accepted(), verdict.toString());
    assertEquals(1, transport.forwarded.size(), "forwarded once: " + transport.forwarded);
    WorkflowStub untyped = WorkflowStub.fromTyped(order);
    untyped.signal(
        CallOutcomeDelivery.SIGNAL_NAME,
        new DeliveredOutcome("us-east:order-8:fulfillment", shipped("order-8")));
    OrderStatus result = untyped.getResult(10, TimeUnit.SECONDS, OrderStatus.class);
    assertEquals(OrderState.COMPLETED, result.state());
  }

  @Test
  void canceledOrderCancelsTheRemoteFulfillmentThenRefunds() throws Exception {
    start(false); // handed over: the port itself must ask the transport to cancel
    OrderWorkflow order = orderStub("order-6");
    WorkflowClient.start(order::placeOrder, order("order-6", "SKU-001"));
    WorkflowStub untyped = WorkflowStub.fromTyped(order);
    awaitTrue(() -> transport.received.containsKey("order-6"));

    untyped.cancel();
    awaitTrue(() -> transport.canceled.containsKey("order-6"));
    assertNull(
        payments.refundReason("order-6"),
        "no refund before the remote run confirms it was canceled");
    untyped.signal(
        CallOutcomeDelivery.SIGNAL_NAME,
        new DeliveredOutcome("us-east:order-6:fulfillment", CallOutcome.canceled()));

    WorkflowFailedException ended =
        assertThrows(
            WorkflowFailedException.class,
            () -> untyped.getResult(10, TimeUnit.SECONDS, OrderStatus.class));
    assertInstanceOf(io.temporal.failure.CanceledFailure.class, ended.getCause());
    assertEquals(OrderState.CANCELED, order.status().state());
    assertEquals("order canceled", payments.refundReason("order-6"));
  }

  @Test
  void orderCanceledAfterItShippedIsConfirmedNotRefunded() throws Exception {
    start(false);
    OrderWorkflow order = orderStub("order-7");
    WorkflowClient.start(order::placeOrder, order("order-7", "SKU-001"));
    WorkflowStub untyped = WorkflowStub.fromTyped(order);
    awaitTrue(() -> transport.received.containsKey("order-7"));

    untyped.cancel();
    awaitTrue(() -> transport.canceled.containsKey("order-7"));
    untyped.signal(
        CallOutcomeDelivery.SIGNAL_NAME,
        new DeliveredOutcome("us-east:order-7:fulfillment", shipped("order-7")));

    assertThrows(
        WorkflowFailedException.class,
        () -> untyped.getResult(10, TimeUnit.SECONDS, OrderStatus.class));
    assertEquals(
        OrderState.COMPLETED,
        order.status().state(),
        "the parcel shipped before the cancel reached eu-west");
    assertEquals("TRK-order-7", notifications.confirmationFor("order-7"));
    assertNull(payments.refundReason("order-7"));
  }

  private void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
      env.sleep(Duration.ofMillis(50));
      Thread.sleep(10);
    }
    assertTrue(condition.getAsBoolean());
  }

  @Test
  void orderWithoutItemsIsRejectedAsInvalidBeforeAnyCharge() {
    start(true);
    Order empty = new Order("order-4", "customer-1", List.of(), 4_200, "USD", "DE");

    WorkflowFailedException failed =
        assertThrows(WorkflowFailedException.class, () -> orderStub("order-4").placeOrder(empty));

    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failed.getCause());
    assertEquals(OrderWorkflow.INVALID_ORDER, cause.getType());
    assertTrue(
        cause.getOriginalMessage().contains("lines must hold at least one line"),
        cause.getOriginalMessage());
    assertFalse(payments.wasCharged("order-4"));
    assertTrue(transport.received.isEmpty());
  }

  @Test
  void declinedPaymentFailsTheOrderWithoutAskingForFulfillment() {
    start(true);
    Order declined =
        new Order(
            "order-5", "declined-7", List.of(new OrderLine("SKU-001", 1)), 4_200, "USD", "DE");

    OrderStatus result = orderStub("order-5").placeOrder(declined);

    assertEquals(OrderState.FAILED, result.state());
    assertTrue(result.failureReason().contains("PaymentDeclined"), result.failureReason());
    assertTrue(transport.received.isEmpty());
  }
}
