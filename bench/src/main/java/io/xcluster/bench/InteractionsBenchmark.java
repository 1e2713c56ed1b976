package io.xcluster.bench;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowUpdateStage;
import io.xcluster.localstack.cli.Percentiles;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.CallProgress;
import io.xcluster.port.spi.CallOutcomeDelivery;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentWorkflow;
import io.xcluster.region.useast.orders.workflow.AddressChange;
import io.xcluster.region.useast.orders.workflow.AddressChangeResult;
import io.xcluster.region.useast.orders.workflow.DeliveryAddress;
import io.xcluster.region.useast.orders.workflow.Order;
import io.xcluster.region.useast.orders.workflow.OrderLine;
import io.xcluster.region.useast.orders.workflow.OrderState;
import io.xcluster.region.useast.orders.workflow.OrderStatus;
import io.xcluster.region.useast.orders.workflow.OrderWorkflow;
import io.xcluster.runtime.launch.TransportLauncher;
import io.xcluster.runtime.launch.TransportLaunchers;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Talking to a running cross-cluster call, per transport on its own stack: a delivery-address
 * change forwarded from the order in us-east to its fulfillment in eu-west (the order's update,
 * forwarded through the port as eu-west's update) against the same update sent straight to eu-west
 * from a client there, alternating per order; and how long eu-west's progress reports take to reach
 * the order — from the workflow task in eu-west that changed the stage (its report's time) to the
 * signal's event in the order's history (both clocks the same machine's).
 */
final class InteractionsBenchmark {

  /** The goals: a forwarded update at most this many times the direct one (p50). */
  static final double UPDATE_RATIO_GOAL = 2.0;

  /** Progress visible to the caller within this (p50). */
  static final Duration PROGRESS_GOAL = Duration.ofSeconds(1);

  /** Each warehouse step: long enough for every update round while all orders pick and pack. */
  static final Duration STEP = Duration.ofSeconds(90);

  static final DeliveryAddress ADDRESS =
      new DeliveryAddress("A. Customer", "Rue de Rivoli 1", "75001", "Paris", "FR");

  record Figures(
      String transport,
      int orders,
      Percentiles forwarded,
      Percentiles direct,
      Percentiles progress,
      int progressReports) {
    double ratio() {
      return forwarded.millis(50) / direct.millis(50);
    }
  }

  private final StackOptions base;
  private final int orders;
  private final int rounds;
  private final PrintStream progress;

  InteractionsBenchmark(StackOptions base, int orders, int rounds, PrintStream progress) {
    this.base = base;
    this.orders = orders;
    this.rounds = rounds;
    this.progress = progress;
  }

  List<Figures> run() throws Exception {
    List<Figures> figures = new ArrayList<>();
    // every production transport on the class path, each on a stack of its own
    for (TransportLauncher launcher : TransportLaunchers.available().values()) {
      if (launcher.forProduction()) {
        figures.add(measure(launcher.name()));
      }
    }
    return figures;
  }

  private Figures measure(String transport) throws Exception {
    try (LocalStack stack =
        AlternatingSides.startSide(
            base.withTransport(transport),
            "interactions-" + transport,
            options -> options.withSimulation(new SimulationSettings(STEP, 0.0, 7L)),
            false,
            progress)) {
      WorkflowClient usEast = stack.usEast().client();
      WorkflowClient euWest = stack.euWest().client();
      List<String> orderIds = placePacking(stack, "interactions", orders);
      progress.printf("bench (interactions, %s): %d orders packing%n", transport, orders);
      List<Duration> forwarded = new ArrayList<>();
      List<Duration> direct = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        for (int i = 0; i < orderIds.size(); i++) {
          String orderId = orderIds.get(i);
          String key = "bench-" + round;
          // alternate which goes first, so neither always meets a warm or a cold path
          if ((round + i) % 2 == 0) {
            forwarded.add(forward(usEast, orderId, key));
            direct.add(direct(euWest, orderId, key));
          } else {
            direct.add(direct(euWest, orderId, key));
            forwarded.add(forward(usEast, orderId, key));
          }
        }
        progress.printf(
            "bench (interactions, %s): round %d/%d of address changes%n", transport, round, rounds);
      }
      for (String orderId : orderIds) {
        awaitEnd(usEast, orderId);
      }
      List<Duration> reports = new ArrayList<>();
      for (String orderId : orderIds) {
        reports.addAll(progressLatencies(usEast, orderId));
      }
      return new Figures(
          transport,
          orders,
          new Percentiles(forwarded),
          new Percentiles(direct),
          new Percentiles(reports),
          reports.size());
    }
  }

  /**
   * Places {@code orders} orders with ids from {@code prefix} and this run's clock, and waits until
   * every one has heard from its fulfillment in eu-west (picking, so open to address changes).
   */
  static List<String> placePacking(LocalStack stack, String prefix, int orders)
      throws InterruptedException {
    String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    List<String> orderIds = new ArrayList<>();
    for (int n = 1; n <= orders; n++) {
      String orderId = prefix + "-" + run + "-" + n;
      orderIds.add(orderId);
      stack
          .orderPlacement()
          .place(
              new Order(
                  orderId, "c-" + n, List.of(new OrderLine("SKU-001", 1)), 1_000, "USD", "DE"));
    }
    for (String orderId : orderIds) {
      awaitPacking(stack.usEast().client(), orderId);
    }
    return orderIds;
  }

  /** The order's update, forwarded by its workflow through the port to eu-west. */
  static Duration forward(WorkflowClient usEast, String orderId, String key) {
    long started = System.nanoTime();
    AddressChangeResult result =
        usEast
            .newUntypedWorkflowStub(orderId)
            .startUpdate(
                UpdateOptions.newBuilder(AddressChangeResult.class)
                    .setUpdateName(OrderWorkflow.CHANGE_DELIVERY_ADDRESS)
                    .setUpdateId("forwarded/" + key)
                    .setWaitForStage(WorkflowUpdateStage.COMPLETED)
                    .build(),
                new AddressChange(key, ADDRESS))
            .getResult();
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    if (!result.accepted()) {
      throw new IllegalStateException(
          "order " + orderId + ": forwarded change refused: " + result.reason());
    }
    return took;
  }

  /** The same update, sent by a client in eu-west straight to the fulfillment. */
  static Duration direct(WorkflowClient euWest, String orderId, String key) {
    String fulfillment =
        new CallId("us-east", orderId, OrderWorkflow.FULFILLMENT_OPERATION).value();
    long started = System.nanoTime();
    euWest
        .newUntypedWorkflowStub(fulfillment)
        .startUpdate(
            UpdateOptions.newBuilder(Object.class)
                .setUpdateName(FulfillmentWorkflow.CHANGE_DELIVERY_ADDRESS)
                .setUpdateId("direct/" + key)
                .setWaitForStage(WorkflowUpdateStage.COMPLETED)
                .build(),
            ADDRESS)
        .getResult();
    return Duration.ofNanos(System.nanoTime() - started);
  }

  private static OrderStatus status(WorkflowClient usEast, String orderId) {
    return usEast.newUntypedWorkflowStub(orderId).query("status", OrderStatus.class);
  }

  static void awaitPacking(WorkflowClient usEast, String orderId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      OrderStatus status = status(usEast, orderId);
      if (status.fulfillmentProgress() != null) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("order " + orderId + ": no progress from eu-west in 60 s");
  }

  private static final Set<OrderState> FINAL =
      Set.of(OrderState.COMPLETED, OrderState.FAILED, OrderState.CANCELED);

  private static void awaitEnd(WorkflowClient usEast, String orderId) throws InterruptedException {
    long deadline = System.nanoTime() + STEP.multipliedBy(4).toNanos();
    while (System.nanoTime() < deadline) {
      if (FINAL.contains(status(usEast, orderId).state())) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("order " + orderId + " did not end");
  }

  /** Per progress signal in the order's history: from eu-west's report to the signal's event. */
  static List<Duration> progressLatencies(WorkflowClient usEast, String orderId) {
    List<Duration> latencies = new ArrayList<>();
    for (HistoryEvent event : usEast.fetchHistory(orderId).getEvents()) {
      if (event.getEventType() != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
          || !CallOutcomeDelivery.PROGRESS_SIGNAL_NAME.equals(
              event.getWorkflowExecutionSignaledEventAttributes().getSignalName())) {
        continue;
      }
      CallProgress report =
          CallPayloads.fromBytes(
              event
                  .getWorkflowExecutionSignaledEventAttributes()
                  .getInput()
                  .getPayloads(0)
                  .getData()
                  .toByteArray(),
              CallProgress.class);
      long arrived =
          event.getEventTime().getSeconds() * 1_000 + event.getEventTime().getNanos() / 1_000_000;
      latencies.add(Duration.ofMillis(Math.max(0, arrived - report.reportedAtMillis())));
    }
    return latencies;
  }

  /** The result as a Markdown document of its own. */
  static String render(List<Figures> figures, String clusters, String commandLine) {
    StringBuilder md = new StringBuilder();
    md.append("# Talking to a running call: forwarded updates and progress\n\n")
        .append(
            ("<!-- generated by `%s` — do not edit by hand; run the command again -->%n%n"
                    + "On %s servers, each transport on a stack of its own. Per transport, orders"
                    + " whose fulfillment in eu-west picks and packs for %d s; each round changes"
                    + " every order's delivery address twice, alternating which goes first: once"
                    + " forwarded (us-east's `OrderWorkflow` update → the port → eu-west's"
                    + " `FulfillmentWorkflow` update, verdict back; what `POST"
                    + " /orders/{id}/delivery-address` does) and once sent straight to eu-west by"
                    + " a client there. Progress: each report eu-west's run sent while the call"
                    + " was open, from the workflow task in eu-west that changed the stage to the"
                    + " signal's event in the order's history in us-east. Goals: forwarded p50 ≤"
                    + " %.0f × direct p50; progress p50 ≤ %d ms.%n%n")
                .formatted(
                    commandLine,
                    clusters,
                    STEP.toSeconds(),
                    UPDATE_RATIO_GOAL,
                    PROGRESS_GOAL.toMillis()));
    md.append(
        "| transport | orders | updates each way | forwarded p50 / p99 ms | direct p50 / p99 ms |"
            + " forwarded ÷ direct (p50) | progress reports | progress p50 / p99 ms | goals |\n");
    md.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Figures f : figures) {
      boolean met =
          f.ratio() <= UPDATE_RATIO_GOAL && f.progress().millis(50) <= PROGRESS_GOAL.toMillis();
      md.append(
          "| %s | %d | %d | %.0f / %.0f | %.0f / %.0f | %.2f | %d | %.0f / %.0f | %s |\n"
              .formatted(
                  f.transport(),
                  f.orders(),
                  f.forwarded().count(),
                  f.forwarded().millis(50),
                  f.forwarded().millis(99),
                  f.direct().millis(50),
                  f.direct().millis(99),
                  f.ratio(),
                  f.progressReports(),
                  f.progress().millis(50),
                  f.progress().millis(99),
                  met ? "met" : "NOT met"));
    }
    md.append(
        "\nA forwarded change crosses more than the direct one: the order's update in us-east,"
            + " the transport's activity (NATS: a broker hop each way, the verdict back as a"
            + " signal), then the same update in eu-west. The SHIPPED report may be cut off by the"
            + " run's end (its outcome says it), so an order sends 2 or 3.\n");
    return md.toString();
  }
}
