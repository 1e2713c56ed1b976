package io.xcluster.localstack.realstack;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.xcluster.localstack.reliability.FaultRecord;
import io.xcluster.localstack.stack.ClusterKind;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.localstack.stack.TransportProcess;
import io.xcluster.localstack.wan.RegionsApart;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.spi.CrossClusterCallActivity;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentWorkflow;
import io.xcluster.region.useast.orders.placement.OrderPlacement;
import io.xcluster.region.useast.orders.workflow.Order;
import io.xcluster.region.useast.orders.workflow.OrderLine;
import io.xcluster.region.useast.orders.workflow.OrderState;
import io.xcluster.region.useast.orders.workflow.OrderStatus;
import io.xcluster.region.useast.orders.workflow.OrderWorkflow;
import io.xcluster.runtime.launch.TransportLaunch;
import io.xcluster.runtime.launch.TransportLauncher;
import io.xcluster.runtime.launch.TransportLaunchers;
import io.xcluster.testkit.nats.LocalNatsCluster;
import io.xcluster.testkit.wan.LocalToxiproxy;
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
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;

/**
 * One fault-injection run on the real stack: real us-east and eu-west servers, the transport in a
 * process of its own, {@value #ORDERS} orders in flight. The test injects its fault in the middle;
 * {@link #finish} waits for every order, counts what eu-west ran, and records the result.
 */
final class FaultDrill implements AutoCloseable {

  static final int ORDERS = 250;

  /** At least this many orders must still be running when the fault hits. */
  static final int MIN_IN_FLIGHT = 200;

  /**
   * Each warehouse/carrier step takes this long, so that fulfillments are in flight when the fault
   * hits.
   */
  private static final Duration STEP = Duration.ofSeconds(3);

  private static final int PLACING_THREADS = 16;
  private static final Duration ALL_ORDERS_DONE = Duration.ofMinutes(8);

  /**
   * How many orders a drill places, how many must be in flight at the fault, how many fulfillments
   * must have started on eu-west when it hits, and how long each warehouse and carrier step takes.
   */
  record Shape(int orders, int minInFlight, int startedAtFault, Duration step) {
    /**
     * The standard rows: many orders, short steps, the fault when a fifth of the fulfillments
     * started.
     */
    static final Shape STANDARD = new Shape(ORDERS, MIN_IN_FLIGHT, ORDERS / 5, STEP);

    /**
     * Whether the fault waits until every fulfillment's first step runs, so that the outage cuts
     * every order's step off.
     */
    boolean everyStepRunningAtFault() {
      return startedAtFault == orders;
    }

    /**
     * Steps longer than a 30 s outage, the fault once every fulfillment is in its first step, so
     * the outage cuts steps off: fewer orders, as each step holds a worker slot while it runs.
     */
    static final Shape LONG_STEPS = new Shape(40, 30, 40, Duration.ofSeconds(30));

    /**
     * Many calls open at once: a thousand orders, the fault once 800 fulfillments have started
     * (steps long enough that most of them are still running).
     */
    static final Shape MANY_OPEN = new Shape(1000, 600, 800, Duration.ofSeconds(20));

    /** Each order started a second time through Temporal. */
    static final Shape FEW_ORDERS = new Shape(50, 40, 10, STEP);

    String describe() {
      return orders + " orders, " + step.toSeconds() + " s warehouse and carrier steps";
    }
  }

  private final String fault;
  private final String transport;
  private final Path workDir;
  private final LocalStack stack;
  private final TransportProcess transportProcess;
  private final Shape shape;
  private final List<Order> orders = new ArrayList<>();
  private LocalNatsCluster natsCluster;
  private final List<TransportProcess> moreReplicas = new ArrayList<>();
  private RegionsApart regionsApart;

  /** Starts one more replica of the transport: the same launch, in a JVM of its own. */
  private IntFunction<TransportProcess> replicaStarter;

  /**
   * When the failed part was back (System.currentTimeMillis), or 0 for a fault without an outage.
   */
  private long recoveredAtMillis;

  /** When the last fulfillment run on eu-west started, by eu-west's clock (same host). */
  private long lastFulfillmentStartMillis;

  private final List<OrderPlacement.PlacedOrder> placed = new ArrayList<>();
  private final List<CompletableFuture<OrderStatus>> results = new ArrayList<>();
  private long startedNanos;
  private int ordersInFlightAtFault;
  private int fulfillmentsInFlightAtFault;

  private FaultDrill(
      String fault,
      String transport,
      Path workDir,
      LocalStack stack,
      TransportProcess transportProcess,
      Shape shape) {
    this.shape = shape;
    this.fault = fault;
    this.transport = transport;
    this.workDir = workDir;
    this.stack = stack;
    this.transportProcess = transportProcess;
  }

  /**
   * Starts the real stack for {@code transport} without its transport, then the transport as a
   * separate JVM.
   */
  static FaultDrill start(String fault, String transport, String... transportArguments) {
    return start(fault, transport, Shape.STANDARD, transportArguments);
  }

  /** As above, in the given shape. */
  static FaultDrill start(String fault, String transport, Shape shape, String... transportArgs) {
    return start(fault, transport, shape, UnaryOperator.identity(), transportArgs);
  }

  /**
   * As above, the transport launched as {@code adjust} makes of the stack's launch (e.g. the target
   * cluster told to call back through a proxy).
   */
  static FaultDrill start(
      String fault,
      String transport,
      Shape shape,
      UnaryOperator<TransportLaunch> adjust,
      String... transportArgs) {
    return start(fault, transport, shape, adjust, null, transportArgs);
  }

  /**
   * The NATS transport on a 3-node JetStream cluster the drill starts (streams with three replicas,
   * {@code sync_interval: always}) instead of the stack's single nats-server.
   */
  static FaultDrill startOnNatsCluster(String fault) {
    Assumptions.assumeTrue(
        LocalNatsCluster.availableForTests(),
        "no nats-server 2.10+ for the cluster: run scripts/install-tools.sh nats-cluster");
    Path workDir = RealStackTier.workDir(fault + "-nats");
    LocalNatsCluster cluster = LocalNatsCluster.start(workDir.resolve("nats-cluster"), List.of());
    try {
      return start(fault, "nats", Shape.STANDARD, UnaryOperator.identity(), cluster);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * The regions apart ({@link RegionsApart}): the stack for {@code placement}'s transport, whose
   * cross-region connections go through Toxiproxy links delayed by {@code roundTrip}.
   */
  static FaultDrill startApart(String fault, RegionsApart.Placement placement, Duration roundTrip) {
    Assumptions.assumeTrue(
        LocalToxiproxy.availableForTests(), "no Toxiproxy: run scripts/install-tools.sh toxiproxy");
    RealStackTier.assumeToolsInstalled();
    String transport = placement.transport();
    Path workDir = RealStackTier.workDir(fault + "-" + transport);
    StackOptions options =
        new StackOptions(
                0,
                0,
                transport,
                Duration.ofHours(48),
                new SimulationSettings(Shape.STANDARD.step(), 0.0, 1L))
            .withClusters(RealStackTier.clusterKind(), workDir);
    LocalStack stack =
        LocalStack.startWithoutTransport(
            options, step -> System.err.println(fault + "/" + transport + ": " + step));
    RegionsApart wan = null;
    try {
      wan = RegionsApart.start(workDir);
      wan.roundTrip(roundTrip);
      List<TransportProcess> processes = wan.startTransport(stack, placement, List.of(), workDir);
      FaultDrill drill =
          new FaultDrill(fault, transport, workDir, stack, processes.get(0), Shape.STANDARD);
      drill.moreReplicas.addAll(processes.subList(1, processes.size()));
      drill.regionsApart = wan;
      return drill;
    } catch (RuntimeException e) {
      if (wan != null) {
        wan.close();
      }
      stack.close();
      throw e;
    }
  }

  private static FaultDrill start(
      String fault,
      String transport,
      Shape shape,
      UnaryOperator<TransportLaunch> adjust,
      LocalNatsCluster natsCluster,
      String... transportArgs) {
    RealStackTier.assumeToolsInstalled();
    Path workDir = RealStackTier.workDir(fault + "-" + transport);
    StackOptions options =
        new StackOptions(
                0,
                0,
                transport,
                Duration.ofHours(48),
                new SimulationSettings(shape.step(), 0.0, 1L))
            .withClusters(RealStackTier.clusterKind(), workDir);
    if (natsCluster != null) {
      options = options.withNatsUrl(natsCluster.url());
    }
    LocalStack stack =
        LocalStack.startWithoutTransport(
            options, step -> System.err.println(fault + "/" + transport + ": " + step));
    try {
      TransportLauncher launcher = TransportLaunchers.named(transport);
      TransportLaunch launch = adjust.apply(stack.transportLaunch(launcher));
      TransportProcess process =
          TransportProcess.start(launcher, launch, List.of(transportArgs), workDir);
      FaultDrill drill = new FaultDrill(fault, transport, workDir, stack, process, shape);
      drill.natsCluster = natsCluster;
      drill.replicaStarter =
          replica ->
              TransportProcess.start(launcher, launch, List.of(transportArgs), workDir, replica);
      return drill;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  /**
   * Places all orders at once, from several threads: one by one, the first would finish before the
   * last is placed.
   */
  void placeOrders() {
    startedNanos = System.nanoTime();
    OrderPlacement placement = stack.orderPlacement();
    ExecutorService placing = Executors.newFixedThreadPool(PLACING_THREADS);
    try {
      List<Future<OrderPlacement.PlacedOrder>> pending = new ArrayList<>();
      for (int n = 1; n <= shape.orders(); n++) {
        String orderId = String.format("%s-%s-%03d", fault, transport, n);
        Order order =
            new Order(
                orderId,
                "customer-" + n,
                List.of(new OrderLine(String.format("SKU-%03d", n % 7 + 1), 1)),
                1_000 + n,
                "USD",
                "DE");
        orders.add(order);
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
    System.err.printf(
        "%s/%s: %d orders placed in %d ms%n",
        fault,
        transport,
        shape.orders(),
        Duration.ofNanos(System.nanoTime() - startedNanos).toMillis());
  }

  /**
   * Waits until the shape's number of fulfillments (a fifth, in the standard rows) have started on
   * eu-west — the moment the test injects its fault — and remembers how many orders and
   * fulfillments were in flight then.
   */
  void awaitFaultMoment() {
    int count = shape.startedAtFault();
    await(
        "at least " + count + " fulfillments started on eu-west",
        Duration.ofMinutes(3),
        () -> fulfillmentsStarted() >= count);
    if (shape.everyStepRunningAtFault()) {
      await(
          "every fulfillment's first step runs on eu-west's worker",
          Duration.ofMinutes(2),
          () -> fulfillmentsWithAStepRunning() >= count);
    }
    fulfillmentsInFlightAtFault = (int) countFulfillments("ExecutionStatus = 'Running'");
    // from the orders' own result long-polls: visibility trails by seconds under this load
    ordersInFlightAtFault = (int) results.stream().filter(r -> !r.isDone()).count();
    System.err.printf(
        "%s/%s: fault due %d ms after the first order: %d orders and %d fulfillments in flight%n",
        fault,
        transport,
        Duration.ofNanos(System.nanoTime() - startedNanos).toMillis(),
        ordersInFlightAtFault,
        fulfillmentsInFlightAtFault);
    if (ordersInFlightAtFault < shape.minInFlight()) {
      throw new AssertionError(
          "only "
              + ordersInFlightAtFault
              + " orders were in flight when the fault was due; the drill needs "
              + shape.minInFlight());
    }
  }

  /**
   * Fulfillments with an activity a worker has started (not only scheduled), from eu-west's own
   * view of each run.
   */
  private long fulfillmentsWithAStepRunning() {
    return placed.stream()
        .filter(
            order ->
                euWestService()
                    .blockingStub()
                    .describeWorkflowExecution(
                        DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace(LocalStack.NAMESPACE)
                            .setExecution(
                                WorkflowExecution.newBuilder()
                                    .setWorkflowId(
                                        "us-east:"
                                            + order.orderId()
                                            + ":"
                                            + OrderWorkflow.FULFILLMENT_OPERATION))
                            .build())
                    .getPendingActivitiesList()
                    .stream()
                    .anyMatch(
                        activity ->
                            activity.getState()
                                == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED))
        .count();
  }

  long fulfillmentsStarted() {
    return countFulfillments("");
  }

  private long countFulfillments(String andWhere) {
    String query =
        "WorkflowType = '"
            + FulfillmentWorkflow.TYPE
            + "'"
            + (andWhere.isEmpty() ? "" : " AND " + andWhere);
    return euWestService()
        .blockingStub()
        .countWorkflowExecutions(
            CountWorkflowExecutionsRequest.newBuilder()
                .setNamespace(LocalStack.NAMESPACE)
                .setQuery(query)
                .build())
        .getCount();
  }

  /**
   * The cross-cluster call of each order not in {@code skip} that has made it by now, read back
   * from its us-east history (what a retry would send again).
   */
  List<CallRequest> callRequests(java.util.Set<String> skipOrders) {
    List<CallRequest> requests = new ArrayList<>();
    for (OrderPlacement.PlacedOrder order : placed) {
      if (skipOrders.contains(order.orderId())) {
        continue;
      }
      for (HistoryEvent event : stack.usEast().client().fetchHistory(order.orderId()).getEvents()) {
        if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            && event
                .getActivityTaskScheduledEventAttributes()
                .getActivityType()
                .getName()
                .equals(CrossClusterCallActivity.CALL_ACTIVITY)) {
          requests.add(
              DataConverter.getDefaultInstance()
                  .fromPayloads(
                      0,
                      Optional.of(event.getActivityTaskScheduledEventAttributes().getInput()),
                      CallRequest.class,
                      CallRequest.class));
          break;
        }
      }
    }
    return requests;
  }

  /**
   * The test says the failed part is back: the record then reports the time from here to the last
   * order done.
   */
  void recovered() {
    recoveredAtMillis = System.currentTimeMillis();
    System.err.printf(
        "%s/%s: recovered %d ms after the first order%n",
        fault, transport, Duration.ofNanos(System.nanoTime() - startedNanos).toMillis());
  }

  String describeShape() {
    return shape.describe();
  }

  /**
   * Starts every order a second time through Temporal, bypassing the order API, as a client with
   * other id policies would: the first half at once, replacing the running run (conflict policy
   * TERMINATE_EXISTING); the second half once their first run completed (reuse policy
   * ALLOW_DUPLICATE). The drill then waits for the second runs. Returns how many were started.
   */
  int startEveryOrderAgainThroughTemporal() {
    int half = placed.size() / 2;
    for (int i = 0; i < placed.size(); i++) {
      WorkflowOptions.Builder options =
          WorkflowOptions.newBuilder()
              .setTaskQueue(OrderWorkflow.TASK_QUEUE)
              .setWorkflowId(placed.get(i).orderId());
      if (i < half) {
        options.setWorkflowIdConflictPolicy(
            WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING);
      } else {
        try {
          results.get(i).get(ALL_ORDERS_DONE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          throw new AssertionError(
              "the first run of " + placed.get(i).orderId() + " did not complete: " + e, e);
        }
        options.setWorkflowIdReusePolicy(
            WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE);
      }
      OrderWorkflow again =
          stack.usEast().client().newWorkflowStub(OrderWorkflow.class, options.build());
      WorkflowClient.start(again::placeOrder, orders.get(i));
      results.set(i, WorkflowStub.fromTyped(again).getResultAsync(OrderStatus.class));
    }
    System.err.printf(
        "%s/%s: %d orders started again through Temporal (%d while running, %d after completing)%n",
        fault, transport, placed.size(), half, placed.size() - half);
    return placed.size();
  }

  /**
   * The latest run's result of an order whose result future failed (e.g. its long poll broke in a
   * us-east outage).
   */
  private OrderStatus resultAfterAll(String orderId, long leftNanos) throws Exception {
    return stack
        .usEast()
        .client()
        .newUntypedWorkflowStub(orderId)
        .getResult(leftNanos, TimeUnit.NANOSECONDS, OrderStatus.class);
  }

  /** Orders the payment gateway charged more than once. */
  private int ordersChargedTwice() {
    return (int)
        placed.stream().filter(order -> stack.payments().chargesFor(order.orderId()) > 1).count();
  }

  /**
   * Seconds from the recovery to the last order's close, by us-east's own close times; null without
   * an outage.
   */
  private Long secondsFromRecoveryToLastOrder() {
    if (recoveredAtMillis == 0) {
      return null;
    }
    long lastCloseMillis = 0;
    for (OrderPlacement.PlacedOrder order : placed) {
      Timestamp closed =
          stack
              .usEast()
              .client()
              .getWorkflowServiceStubs()
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(LocalStack.NAMESPACE)
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(order.orderId()))
                      .build())
              .getWorkflowExecutionInfo()
              .getCloseTime();
      lastCloseMillis =
          Math.max(lastCloseMillis, closed.getSeconds() * 1000 + closed.getNanos() / 1_000_000);
    }
    return secondsFromRecovery(lastCloseMillis);
  }

  /** Whole seconds (rounded up) from the recovery to {@code millis}; null without an outage. */
  private Long secondsFromRecovery(long millis) {
    if (recoveredAtMillis == 0) {
      return null;
    }
    return Math.max(0, (millis - recoveredAtMillis + 999) / 1000);
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
        OrderStatus status;
        try {
          status = results.get(i).get(left, TimeUnit.NANOSECONDS);
        } catch (ExecutionException brokenPoll) {
          status = resultAfterAll(order.orderId(), Math.max(1, deadline - System.nanoTime()));
        }
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
    // lost: an order that did not complete, or whose fulfillment never ran on eu-west — each order
    // once
    java.util.Set<String> lostOrders = new java.util.HashSet<>();
    notCompleted.forEach(line -> lostOrders.add(line.substring(0, line.indexOf(' '))));
    placed.stream()
        .map(OrderPlacement.PlacedOrder::orderId)
        .filter(id -> runsPerCall.keySet().stream().noneMatch(call -> call.contains(id)))
        .forEach(lostOrders::add);
    int lost = lostOrders.size();
    if (!notCompleted.isEmpty()) {
      System.err.println(
          fault
              + "/"
              + transport
              + ": not completed: "
              + notCompleted.subList(0, Math.min(10, notCompleted.size())));
    }
    FaultRecord record =
        new FaultRecord(
            fault,
            transport,
            injection,
            placed.size(),
            completed,
            runsPerCall.size(),
            runs,
            duplicatesInjected,
            duplicated,
            lost,
            ordersInFlightAtFault,
            fulfillmentsInFlightAtFault,
            seconds,
            ordersChargedTwice(),
            secondsFromRecoveryToLastOrder(),
            stack.options().clusters() == ClusterKind.POSTGRES ? "postgres" : "start-dev",
            secondsFromRecovery(lastFulfillmentStartMillis));
    record.writeTo(FaultRecord.DEFAULT_DIRECTORY);
    System.err.println(fault + "/" + transport + ": " + record + " (logs in " + workDir + ")");
    if (recoveredAtMillis != 0) {
      System.err.println(fault + "/" + transport + " catch-up: " + catchUpTimeline());
    }
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
      await(
          "eu-west's visibility settles (no fulfillment running, count unchanged)",
          Duration.ofMinutes(1),
          () -> {
            long all = countFulfillments("");
            boolean settled =
                countFulfillments("ExecutionStatus = 'Running'") == 0 && all == previous[0];
            previous[0] = all;
            return settled;
          });
    } catch (AssertionError stillMoving) {
      System.err.println(
          fault
              + "/"
              + transport
              + ": "
              + stillMoving.getMessage()
              + "; counting what is visible now");
    }
    Map<String, Integer> runs = new HashMap<>();
    ByteString page = ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse response =
          euWestService()
              .blockingStub()
              .listWorkflowExecutions(
                  ListWorkflowExecutionsRequest.newBuilder()
                      .setNamespace(LocalStack.NAMESPACE)
                      .setQuery("WorkflowType = '" + FulfillmentWorkflow.TYPE + "'")
                      .setPageSize(1000)
                      .setNextPageToken(page)
                      .build());
      for (WorkflowExecutionInfo info : response.getExecutionsList()) {
        runs.merge(info.getExecution().getWorkflowId(), 1, Integer::sum);
        Timestamp started = info.getStartTime();
        lastFulfillmentStartMillis =
            Math.max(
                lastFulfillmentStartMillis,
                started.getSeconds() * 1000 + started.getNanos() / 1_000_000);
      }
      page = response.getNextPageToken();
    } while (!page.isEmpty());
    return runs;
  }

  /** Where the seconds after the recovery went; a diagnosis, never a reason to fail the row. */
  private String catchUpTimeline() {
    try {
      return new CatchUpTimeline(
              stack.usEast().client().getWorkflowServiceStubs(),
              euWestService(),
              LocalStack.NAMESPACE,
              recoveredAtMillis)
          .describe(orderIds(), OrderWorkflow.TYPE, FulfillmentWorkflow.TYPE);
    } catch (RuntimeException e) {
      return "not available: " + e;
    }
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

  TransportLauncher launcher() {
    return TransportLaunchers.named(transport);
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
        throw new AssertionError(
            "timed out after " + timeout.toSeconds() + " s waiting until " + what);
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
    moreReplicas.forEach(TransportProcess::close);
    transportProcess.close();
    if (regionsApart != null) {
      regionsApart.close();
    }
    stack.close();
    if (natsCluster != null) {
      natsCluster.close();
    }
  }

  /**
   * Starts another replica of the transport beside {@link #transportProcess()} (the same launch,
   * sharing its consumers or task queues), stopped when the drill closes.
   */
  TransportProcess startAnotherTransportReplica() {
    TransportProcess replica = replicaStarter.apply(moreReplicas.size() + 2);
    moreReplicas.add(replica);
    return replica;
  }

  /** The links between the regions ({@link #startApart}). */
  RegionsApart regionsApart() {
    if (regionsApart == null) {
      throw new IllegalStateException("this drill runs with the regions on one loopback");
    }
    return regionsApart;
  }

  /** The drill's 3-node JetStream cluster ({@link #startOnNatsCluster}). */
  LocalNatsCluster natsCluster() {
    if (natsCluster == null) {
      throw new IllegalStateException("this drill runs on the stack's single nats-server");
    }
    return natsCluster;
  }
}
