package io.xcluster.localstack.demo;

import io.temporal.client.WorkflowClient;
import io.xcluster.region.useast.orders.placement.OrderPlacement;
import io.xcluster.region.useast.orders.usecase.ChangingDeliveryAddress;
import io.xcluster.region.useast.orders.usecase.OrderLookup;
import io.xcluster.region.useast.orders.workflow.DeliveryAddress;
import io.xcluster.region.useast.orders.workflow.FulfillmentProgress;
import io.xcluster.region.useast.orders.workflow.Order;
import io.xcluster.region.useast.orders.workflow.OrderLine;
import io.xcluster.region.useast.orders.workflow.OrderState;
import io.xcluster.region.useast.orders.workflow.OrderStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One order followed live: each fulfillment stage eu-west reports while the call is open, shown as
 * it reaches us-east, and two delivery-address changes forwarded to eu-west through the port — one
 * while the parcel is being packed (accepted), one once it is with the carrier (rejected with
 * eu-west's reason). Stages are read from the order's own status query in us-east; eu-west pushes
 * them there, nothing asks eu-west.
 */
public final class LiveOrderWalkthrough {

  /** What the walkthrough saw; the demo fails when it is not the full story. */
  public record Seen(
      List<String> stages,
      ChangingDeliveryAddress.Result early,
      ChangingDeliveryAddress.Result late) {

    /**
     * Whether the story holds: stages arrived, and every change sent got eu-west's own verdict —
     * the late one a refusal. The early one is normally accepted; on a machine so loaded that the
     * parcel was packed before it arrived, eu-west refuses it, rightly.
     */
    public boolean complete() {
      return !stages.isEmpty()
          && late instanceof ChangingDeliveryAddress.RejectedByFulfillment
          && (early == null
              || early instanceof ChangingDeliveryAddress.Changed
              || early instanceof ChangingDeliveryAddress.RejectedByFulfillment);
    }
  }

  private static final Duration LOOK_EVERY = Duration.ofMillis(50);

  private static final java.util.Set<OrderState> FINAL =
      java.util.EnumSet.of(OrderState.COMPLETED, OrderState.FAILED, OrderState.CANCELED);

  /** Below this per step, stages pass too quickly to watch or to change an address between. */
  public static final Duration SLOWEST_WATCHABLE_STEP = Duration.ofMillis(500);

  static final DeliveryAddress EARLY_ADDRESS =
      new DeliveryAddress("A. Customer", "Rue de Rivoli 1", "75001", "Paris", "FR");
  static final DeliveryAddress LATE_ADDRESS =
      new DeliveryAddress("A. Customer", "Kungsgatan 2", "11143", "Stockholm", "SE");

  private final OrderPlacement placement;
  private final WorkflowClient usEast;
  private final PrintStream out;

  public LiveOrderWalkthrough(OrderPlacement placement, WorkflowClient usEast, PrintStream out) {
    this.placement = placement;
    this.usEast = usEast;
    this.out = out;
  }

  /** Places the order and follows it to its end, for at most {@code wait}. */
  public Seen run(String runId, Duration wait) throws InterruptedException {
    String orderId = "order-" + runId + "-live";
    Order order =
        new Order(
            orderId, "customer-live", List.of(new OrderLine("SKU-001", 1)), 4_200, "USD", "DE");
    ChangingDeliveryAddress addresses =
        new ChangingDeliveryAddress(
            usEast,
            new OrderLookup(usEast, Duration.ofSeconds(5), Duration.ofSeconds(5)),
            Duration.ofSeconds(10));
    out.printf("%nlive: %s, stages as eu-west reports them to us-east%n", orderId);
    long started = System.nanoTime();
    placement.place(order);
    List<String> stages = new ArrayList<>();
    ChangingDeliveryAddress.Result early = null;
    ChangingDeliveryAddress.Result late = null;
    long deadline = started + wait.toNanos();
    while (System.nanoTime() < deadline) {
      OrderStatus status =
          usEast.newUntypedWorkflowStub(orderId).query("status", OrderStatus.class);
      FulfillmentProgress progress = status.fulfillmentProgress();
      String stage = progress == null ? null : progress.stage();
      if (stage != null && !stages.contains(stage)) {
        stages.add(stage);
        out.printf(
            "  +%5d ms  %-20s %s%n",
            (System.nanoTime() - started) / 1_000_000,
            stage,
            progress.carrier() == null ? "" : progress.carrier() + " " + progress.trackingNumber());
      }
      if (early == null && "PICKING_AND_PACKING".equals(stage)) {
        early = addresses.change(orderId, orderId + "-early", EARLY_ADDRESS);
        out.println("            address change while packing:   " + describe(early));
      }
      if (late == null && "SHIPPING".equals(stage)) {
        late = addresses.change(orderId, orderId + "-late", LATE_ADDRESS);
        out.println("            address change once shipping:  " + describe(late));
      }
      if (FINAL.contains(status.state())) {
        out.printf(
            "  +%5d ms  order %s%s%n",
            (System.nanoTime() - started) / 1_000_000,
            status.state(),
            status.carrier() == null
                ? ""
                : " (" + status.carrier() + " " + status.trackingNumber() + ")");
        break;
      }
      Thread.sleep(LOOK_EVERY.toMillis());
    }
    return new Seen(stages, early, late);
  }

  private static String describe(ChangingDeliveryAddress.Result result) {
    if (result instanceof ChangingDeliveryAddress.Changed changed) {
      return "accepted by eu-west, now "
          + changed.address().city()
          + " "
          + changed.address().country();
    }
    if (result instanceof ChangingDeliveryAddress.RejectedByFulfillment rejected) {
      return "rejected by eu-west (" + rejected.type() + "): " + rejected.reason();
    }
    return String.valueOf(result);
  }
}
