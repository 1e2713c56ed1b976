package io.xcluster.localstack.realstack;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.common.converter.DataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentWorkflow;
import io.xcluster.localstack.reliability.FaultRecord;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.localstack.stack.TransportProcess;
import io.xcluster.region.useast.orders.placement.OrderPlacement;
import io.xcluster.region.useast.orders.workflow.Order;
import io.xcluster.region.useast.orders.workflow.OrderLine;
import io.xcluster.region.useast.orders.workflow.OrderState;
import io.xcluster.region.useast.orders.workflow.OrderStatus;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.spi.CrossClusterCallActivity;
import io.xcluster.runtime.launch.TransportLauncher;
import io.xcluster.runtime.launch.TransportLaunchers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import com.google.protobuf.ByteString;

/**
 * One fault-injection run on the real stack: real us-east and eu-west servers, the transport in
 * a process of its own, {@value #ORDERS} orders in flight. The test injects its fault in the
 * middle; {@link #finish} waits for every order, counts what eu-west ran, and records the result.
 */
final class FaultDrill implements AutoCloseable {

  static final int ORDERS = 250;
  /** At least this many orders must still be running when the fault hits. */
  static final int MIN_IN_FLIGHT = 200;
  /** Each warehouse/carrier step takes this long, so that fulfillments are in flight when the fault hits. */
  private static final Duration STEP = Duration.ofSeconds(3);
  private static final int PLACING_THREADS = 16;
  private static final Duration ALL_ORDERS_DONE = Duration.ofMinutes(8);

  private final String fault;
  private final String transport;
  private final Path workDir;
  private final LocalStack stack;
  private final TransportProcess transportProcess;
  private final List<OrderPlacement.PlacedOrder> placed = new ArrayList<>();
  private final List<CompletableFuture<OrderStatus>> results = new ArrayList<>();
  private long startedNanos;
  private int ordersInFlightAtFault;
  private int fulfillmentsInFlightAtFault;

  private FaultDrill(String fault, String transport, Path workDir, LocalStack stack, TransportProcess transportProcess) {
    this.fault = fault;
    this.transport = transport;
    this.workDir = workDir;
    this.stack = stack;
    this.transportProcess = transportProcess;
  }

  /** Starts the real stack for {@code transport} without its transport, then the transport as a separate JVM. */
  static FaultDrill start(String fault, String transport, String... transportArgs) {
    RealStackTier.assumeToolsInstalled();
    Path workDir = RealStackTier.workDir(fault + "-" + transport);
    StackOptions options =
        new StackOptions(0, 0, transport, Duration.ofHours(48), new SimulationSettings(STEP, 0.0, 1L)).onRealServers(workDir);
    LocalStack stack = LocalStack.startWithoutTransport(options, step -> System.err.println(fault + "/" + transport + ": " + step));
    try {
      TransportLauncher launcher = TransportLaunchers.named(transport);
      TransportProcess process =
          TransportProcess.start(transport, launcher.asProcess(stack.transportLaunch(launcher)).withArguments(transportArgs), workDir);
      return new FaultDrill(fault, transport, workDir, stack, process);
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  /** Places all orders at once, from several threads: one by one, the first would finish before the last is placed. */
  void placeOrders() {
    startedNanos = System.nanoTime();
    OrderPlacement placement = stack.orderPlacement();
    ExecutorService placing = Executors.newFixedThreadPool(PLACING_THREADS);
    try {
      List<Future<OrderPlacement.PlacedOrder>> pending = new ArrayList<>();
      for (int n = 1; n <= ORDERS; n++) {
        String orderId = String.format("%s-%s-%03d", fault, transport, n);
        Order order = new Order(orderId, "customer-" + n, List.of(new OrderLine(String.format("SKU-%03d", n % 7 + 1), 1)), 1_000 + n, "USD", "DE");
        pending.add(placing.submit(() -> placement.place(order)));
      }
      for (Future<OrderPlacement.PlacedOrder> future : pending) {
        OrderPlacement.PlacedOrder placedOrder = future.get();
        placed.add(placedOrder);
        results.add(placedOrder.workflow().getResultAsync(OrderStatus.class));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while placing orders", e);
    } catch (ExecutionException e) {
      throw new AssertionError("could not place an order: " + e.getCause(), e.getCause());
    } finally {
      placing.shutdownNow();
    }
    System.err.printf("%s/%s: %d orders placed in %d ms%n", fault, transport, ORDERS, Duration.ofNanos(System.nanoTime() - startedNanos).toMillis());
  }

  /**
   * Waits until a fifth of the fulfillments have started on eu-west — the moment the test injects
   * its fault — and remembers how many orders and fulfillments were in flight then.
   */
  void awaitFaultMoment() {
    int count = ORDERS / 5;
    await("at least " + count + " fulfillments started on eu-west", Duration.ofMinutes(3), () -> fulfillmentsStarted() >= count);
    fulfillmentsInFlightAtFault = (int) countFulfillments("ExecutionStatus = 'Running'");
    // from the orders' own result long-polls: visibility trails by seconds under this load
    ordersInFlightAtFault = (int) results.stream().filter(r -> !r.isDone()).count();
    System.err.printf("%s/%s: fault due %d ms after the first order: %d orders and %d fulfillments in flight%n", fault, transport,
        Duration.ofNanos(System.nanoTime() - startedNanos).toMillis(), ordersInFlightAtFault, fulfillmentsInFlightAtFault);
    if (ordersInFlightAtFault < MIN_IN_FLIGHT) {
      throw new AssertionError("only " + ordersInFlightAtFault + " orders were in flight when the fault was due; the drill needs " + MIN_IN_FLIGHT);
    }
  }

  long fulfillmentsStarted() {
    return countFulfillments("");
  }

  private long countFulfillments(String andWhere) {
    String query = "WorkflowType = '" + FulfillmentWorkflow.TYPE + "'" + (andWhere.isEmpty() ? "" : " AND " + andWhere);
    return euWestService().blockingStub()
        .countWorkflowExecutions(CountWorkflowExecutionsRequest.newBuilder().setNamespace(LocalStack.NAMESPACE).setQuery(query).build())
        .getCount();
  }

  /**
   * The cross-cluster call of each order not in {@code skip} that has made it by now, read back from
   * its us-east history (what a retry would send again).
   */
  List<CallRequest> callRequests(java.util.Set<String> skipOrders) {
    List<CallRequest> requests = new ArrayList<>();
    for (OrderPlacement.PlacedOrder order : placed) {
      if (skipOrders.contains(order.orderId())) {
        continue;
      }
      for (HistoryEvent event : stack.usEast().client().fetchHistory(order.orderId()).getEvents()) {
        if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            && event.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals(CrossClusterCallActivity.CALL_ACTIVITY)) {
          requests.add(DataConverter.getDefaultInstance().fromPayloads(
              0, Optional.of(event.getActivityTaskScheduledEventAttributes().getInput()), CallRequest.class, CallRequest.class));
          break;
        }
      }
    }
    return requests;
  }

  /** Waits for every order, counts eu-west's fulfillment runs, writes the record and returns it. */
  FaultRecord finish(String injection, int duplicatesInjected) {
    int completed = 0;
    List<String> notCompleted = new ArrayList<>();
    long deadline = System.nanoTime() + ALL_ORDERS_DONE.toNanos();
    for (int i = 0; i < placed.size(); i++) {
      OrderPlacement.PlacedOrder order = placed.get(i);
      try {
        long left = Math.max(1, deadline - System.nanoTime());
        OrderStatus status = results.get(i).get(left, TimeUnit.NANOSECONDS);
        if (status.state() == OrderState.COMPLETED) {
          completed++;
        } else {
          notCompleted.add(order.orderId() + " " + status.state() + " " + status.failureReason());
        }
      } catch (Exception e) {
        notCompleted.add(order.orderId() + " no result: " + e);
      }
    }
    long seconds = Duration.ofNanos(System.nanoTime() - startedNanos).toSeconds();
    Map<String, Integer> runsPerCall = fulfillmentRunsPerCall();
    int runs = runsPerCall.values().stream().mapToInt(Integer::intValue).sum();
    int duplicated = (int) runsPerCall.values().stream().filter(r -> r > 1).count();
    // lost: an order that did not complete, or whose fulfillment never ran on eu-west — each order once
    java.util.Set<String> lostOrders = new java.util.HashSet<>();
    notCompleted.forEach(line -> lostOrders.add(line.substring(0, line.indexOf(' '))));
    placed.stream().map(OrderPlacement.PlacedOrder::orderId)
        .filter(id -> runsPerCall.keySet().stream().noneMatch(call -> call.contains(id)))
        .forEach(lostOrders::add);
    int lost = lostOrders.size();
    if (!notCompleted.isEmpty()) {
      System.err.println(fault + "/" + transport + ": not completed: " + notCompleted.subList(0, Math.min(10, notCompleted.size())));
    }
    FaultRecord record =
        new FaultRecord(fault, transport, injection, placed.size(), completed, runsPerCall.size(), runs, duplicatesInjected, duplicated,
            lost, ordersInFlightAtFault, fulfillmentsInFlightAtFault, seconds);
    record.writeTo(FaultRecord.DEFAULT_DIRECTORY);
    System.err.println(fault + "/" + transport + ": " + record + " (logs in " + workDir + ")");
    return record;
  }

  /**
   * Every fulfillment run on eu-west, per workflow id, from visibility. Visibility trails the
   * histories a little, so this first waits (at most a minute) until no fulfillment is running and
   * the count has stopped changing — and then counts whatever is there, so that a call that never
   * ran shows up as lost instead of as a timeout.
   */
  private Map<String, Integer> fulfillmentRunsPerCall() {
    long[] previous = {-1};
    try {
      await("eu-west's visibility settles (no fulfillment running, count unchanged)", Duration.ofMinutes(1), () -> {
        long all = countFulfillments("");
        boolean settled = countFulfillments("ExecutionStatus = 'Running'") == 0 && all == previous[0];
        previous[0] = all;
        return settled;
      });
    } catch (AssertionError stillMoving) {
      System.err.println(fault + "/" + transport + ": " + stillMoving.getMessage() + "; counting what is visible now");
    }
    Map<String, Integer> runs = new HashMap<>();
    ByteString page = ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse response = euWestService().blockingStub().listWorkflowExecutions(
          ListWorkflowExecutionsRequest.newBuilder().setNamespace(LocalStack.NAMESPACE)
              .setQuery("WorkflowType = '" + FulfillmentWorkflow.TYPE + "'").setPageSize(1000).setNextPageToken(page).build());
      for (WorkflowExecutionInfo info : response.getExecutionsList()) {
        runs.merge(info.getExecution().getWorkflowId(), 1, Integer::sum);
      }
      page = response.getNextPageToken();
    } while (!page.isEmpty());
    return runs;
  }

  private WorkflowServiceStubs euWestService() {
    return stack.euWest().client().getWorkflowServiceStubs();
  }

  List<String> orderIds() {
    return placed.stream().map(OrderPlacement.PlacedOrder::orderId).toList();
  }

  LocalStack stack() {
    return stack;
  }

  TransportProcess transportProcess() {
    return transportProcess;
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException notYet) {
        // a server in the middle of its restart: ask again
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting until " + what);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting until " + what, e);
      }
    }
  }

  static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    transportProcess.close();
    stack.close();
  }
}
