package io.xcluster.localstack.demo;

import io.xcluster.localstack.cli.Percentiles;
import io.xcluster.localstack.cli.ProgressBar;
import io.xcluster.region.useast.orders.placement.OrderPlacement;
import io.xcluster.region.useast.orders.workflow.Order;
import io.xcluster.region.useast.orders.workflow.OrderLine;
import io.xcluster.region.useast.orders.workflow.OrderState;
import io.xcluster.region.useast.orders.workflow.OrderStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Places orders in us-east and follows each to its final state: the walking skeleton's proof that
 * an order crosses to eu-west and its outcome comes back.
 */
public final class OrderDemo {

  /**
   * With failures on, every fifth order asks for a SKU eu-west does not stock: paid, refunded,
   * FAILED.
   */
  static final int FAILURE_EVERY = 5;

  /** Where the demo's trace links point; Jaeger's UI by default. */
  static final String JAEGER_UI =
      System.getenv().getOrDefault("XCLUSTER_JAEGER_UI", "http://localhost:16686");

  private final OrderPlacement placement;
  private final PrintStream out;
  private final PrintStream progress;

  public OrderDemo(OrderPlacement placement, PrintStream out, PrintStream progress) {
    this.placement = placement;
    this.out = out;
    this.progress = progress;
  }

  /** One placed order and what became of it; {@code traceId} is null when tracing is off. */
  public record Placed(
      String orderId,
      OrderState expected,
      OrderStatus status,
      Duration latency,
      String error,
      String traceId) {
    boolean asExpected() {
      return status != null && status.state() == expected;
    }
  }

  /**
   * Places {@code count} orders at once, waits for all (at most {@code wait}), prints the report.
   */
  public List<Placed> run(String runId, int count, boolean withFailures, Duration wait) {
    ProgressBar bar = new ProgressBar(progress, count, "orders finished");
    AtomicInteger finished = new AtomicInteger();
    bar.update(0);
    List<Awaited> pending = new ArrayList<>(count);
    for (int n = 1; n <= count; n++) {
      boolean failing = withFailures && n % FAILURE_EVERY == 0;
      String orderId = String.format("order-%s-%03d", runId, n);
      Order order =
          new Order(
              orderId,
              "customer-" + n,
              List.of(
                  new OrderLine(
                      failing ? "NOPE-" + n : String.format("SKU-%03d", n % 7 + 1), 1 + n % 3)),
              1_000 + 250L * n,
              "USD",
              "DE");
      OrderState expected = failing ? OrderState.FAILED : OrderState.COMPLETED;
      pending.add(
          new Awaited(
              orderId,
              expected,
              place(order, expected)
                  .whenComplete((placed, e) -> bar.update(finished.incrementAndGet()))));
    }
    List<Placed> results = new ArrayList<>(count);
    long deadline = System.nanoTime() + wait.toNanos();
    for (Awaited awaited : pending) {
      long left = Math.max(0, deadline - System.nanoTime());
      try {
        results.add(awaited.result().get(left, TimeUnit.NANOSECONDS));
      } catch (Exception e) {
        results.add(awaited.noResult(wait, e));
      }
    }
    report(results);
    return results;
  }

  /** An order placed and not yet followed to its end: its id and expected state stay known. */
  record Awaited(String orderId, OrderState expected, CompletableFuture<Placed> result) {
    /** The report line of an order that gave no result in time: its id, its expected state. */
    Placed noResult(Duration wait, Exception why) {
      return new Placed(
          orderId, expected, null, wait, "no result within " + wait + ": " + why, null);
    }
  }

  private CompletableFuture<Placed> place(Order order, OrderState expected) {
    long started = System.nanoTime();
    OrderPlacement.PlacedOrder placed = placement.place(order);
    return placed
        .workflow()
        .getResultAsync(OrderStatus.class)
        .handle(
            (status, error) ->
                new Placed(
                    order.orderId(),
                    expected,
                    status,
                    Duration.ofNanos(System.nanoTime() - started),
                    error == null
                        ? null
                        : String.valueOf(error.getCause() != null ? error.getCause() : error),
                    placed.traceId()));
  }

  private void report(List<Placed> results) {
    Map<OrderState, Integer> byState = new EnumMap<>(OrderState.class);
    List<Duration> latencies = new ArrayList<>();
    for (Placed placed : results) {
      String state = placed.status() == null ? "NO RESULT" : placed.status().state().name();
      String detail =
          placed.status() == null
              ? placed.error()
              : placed.status().state() == OrderState.COMPLETED
                  ? placed.status().carrier() + " " + placed.status().trackingNumber()
                  : placed.status().failureReason();
      out.printf(
          "%-28s %-10s %6d ms  %s%s%n",
          placed.orderId(),
          state,
          placed.latency().toMillis(),
          detail,
          placed.asExpected() ? "" : "   <-- expected " + placed.expected());
      if (placed.traceId() != null) {
        out.printf(
            "    trace %s  %s/trace/%s  (search: %s)%n",
            placed.traceId(), JAEGER_UI, placed.traceId(), searchLink(placed.orderId()));
      }
      if (placed.status() != null) {
        byState.merge(placed.status().state(), 1, Integer::sum);
      }
      latencies.add(placed.latency());
    }
    Percentiles percentiles = new Percentiles(latencies);
    long unexpected = results.stream().filter(p -> !p.asExpected()).count();
    out.printf(
        "%d orders: %s; latency p50 %.0f ms, p99 %.0f ms; %s%n",
        results.size(),
        byState,
        percentiles.millis(50),
        percentiles.millis(99),
        unexpected == 0 ? "all as expected" : unexpected + " NOT as expected");
  }

  /** Jaeger's search for the order by its {@code order.id} tag. */
  static String searchLink(String orderId) {
    String tags =
        java.net.URLEncoder.encode(
            "{\"order.id\":\"" + orderId + "\"}", java.nio.charset.StandardCharsets.UTF_8);
    return JAEGER_UI + "/search?service=order-service-us-east&tags=" + tags;
  }

  public static boolean allAsExpected(List<Placed> results) {
    return results.stream().allMatch(Placed::asExpected);
  }
}
