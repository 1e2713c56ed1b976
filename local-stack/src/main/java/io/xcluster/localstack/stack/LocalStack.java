package io.xcluster.localstack.stack;

import io.temporal.worker.WorkerFactory;
import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ConnectionInterceptors;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CrossClusterTransports;
import io.xcluster.region.euwest.fulfillment.worker.FulfillmentServiceWorker;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentWorkflow;
import io.xcluster.region.useast.orders.notification.SimulatedNotifier;
import io.xcluster.region.useast.orders.payment.SimulatedPaymentGateway;
import io.xcluster.region.useast.orders.placement.OrderPlacement;
import io.xcluster.region.useast.orders.worker.OrderServiceWorker;
import io.xcluster.region.useast.orders.workflow.OrderWorkflowSettings;
import io.xcluster.runtime.launch.CallbackEndpoint;
import io.xcluster.runtime.launch.RunningTransport;
import io.xcluster.runtime.launch.TransportLaunch;
import io.xcluster.runtime.launch.TransportLauncher;
import io.xcluster.runtime.launch.TransportLaunchers;
import io.xcluster.runtime.lifecycle.StopSequence;
import io.xcluster.runtime.metrics.ServiceMetrics;
import io.xcluster.testkit.nats.LocalNatsServer;
import io.xcluster.testkit.tools.ToolBinary;
import io.xcluster.tracing.ServiceTracing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Two independent Temporal clusters on loopback — us-east and eu-west, embedded in this JVM or real
 * server processes — with both region workers and the selected transport. Embedded, the whole
 * system runs in one JVM and needs only a JDK. Transports are found through their launchers on the
 * class path ({@link TransportLaunchers}): the stack names none. One that needs JetStream gets a
 * nats-server (from PATH, or {@code --nats-url}).
 */
public final class LocalStack implements AutoCloseable {

  public static final String US_EAST = "us-east";
  public static final String EU_WEST = "eu-west";
  public static final String NAMESPACE = "default";

  private final StopSequence stopOrder =
      new StopSequence(problem -> System.err.println("local-stack: " + problem));
  private final SimulatedPaymentGateway payments = new SimulatedPaymentGateway();
  private final SimulatedNotifier notifications = new SimulatedNotifier();
  public static final String ORDER_SERVICE = "order-service-us-east";
  public static final String FULFILLMENT_SERVICE = "fulfillment-service-eu-west";

  private final StackOptions options;
  private final Function<String, ServiceTracing> tracingFor;
  private final Map<String, ServiceTracing> tracings = new HashMap<>();
  private StackClusters clusters;
  private String natsUrl;
  private LocalNatsServer jetStream;
  private ClusterConnection usEast;
  private ClusterConnection euWest;
  private final Map<String, RunningTransport> transports = new LinkedHashMap<>();
  private volatile OrderWorkflowSettings orderSettings;
  private CallbackEndpoint callbacks;

  private ServiceMetrics metrics;
  private final boolean metered;

  private LocalStack(
      StackOptions options, Function<String, ServiceTracing> tracingFor, boolean metered) {
    this.metered = metered;
    this.options = options;
    this.tracingFor = tracingFor;
  }

  /** The tracing of service {@code name}, created once and flushed when the stack stops. */
  private ServiceTracing tracing(String name) {
    return tracings.computeIfAbsent(
        name,
        n -> {
          ServiceTracing tracing = tracingFor.apply(n);
          stopOrder.add(tracing);
          return tracing;
        });
  }

  /**
   * Starts everything, reporting each step to {@code step}; on failure stops what was started. Each
   * service traces per the {@code OTEL_*} environment (off unless OTEL_TRACES_EXPORTER is set).
   */
  public static LocalStack start(StackOptions options, Consumer<String> step) {
    return start(options, step, true, ServiceTracing::fromEnvironment, true);
  }

  /**
   * As {@link #start}, with each service's tracing made by {@code tracingFor} from its service
   * name.
   */
  public static LocalStack start(
      StackOptions options, Consumer<String> step, Function<String, ServiceTracing> tracingFor) {
    return start(options, step, true, tracingFor, true);
  }

  /**
   * As {@link #start(StackOptions, Consumer, Function)}, with no metrics at all when {@code
   * metered} is false: the Temporal SDK gets no scope and this stack attaches no registry (the
   * benchmark's baseline for the cost of metrics).
   */
  public static LocalStack start(
      StackOptions options,
      Consumer<String> step,
      Function<String, ServiceTracing> tracingFor,
      boolean metered) {
    return start(options, step, true, tracingFor, metered);
  }

  /**
   * As {@link #start}, but leaves the transport to the caller (who runs it in a process of its
   * own).
   */
  public static LocalStack startWithoutTransport(StackOptions options, Consumer<String> step) {
    return start(options, step, false, ServiceTracing::fromEnvironment, true);
  }

  private static LocalStack start(
      StackOptions options,
      Consumer<String> step,
      boolean withTransport,
      Function<String, ServiceTracing> tracingFor,
      boolean metered) {
    LocalStack stack = new LocalStack(options, tracingFor, metered);
    try {
      stack.startAll(step, withTransport);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(Consumer<String> step, boolean withTransport) {
    CallRoute route = CrossClusterTransports.named(options.transport()).routeTo(EU_WEST);

    clusters = StackClusters.start(options);
    stopOrder.add(clusters);
    step.accept(
        options.clusters().name().toLowerCase()
            + " clusters up: us-east "
            + clusters.usEast().address()
            + ", eu-west "
            + clusters.euWest().address()
            + (options.clusters().runsServerProcesses()
                ? " (databases and logs in " + options.workDir().toAbsolutePath() + ")"
                : ""));

    // one registry for the whole JVM: the workers' SDK metrics and an in-process transport's own
    metrics = metered ? ServiceMetrics.start("local-stack") : null;
    if (metrics != null) {
      stopOrder.add(metrics);
    }
    usEast = ClusterConnection.open(clusters.usEast(), interceptors(ORDER_SERVICE));
    stopOrder.add(usEast::closeNow);
    euWest = ClusterConnection.open(clusters.euWest(), interceptors(FULFILLMENT_SERVICE));
    stopOrder.add(euWest::closeNow);

    if (options.clusters().runsServerProcesses()) {
      // server processes allow completion callbacks to loopback (the embedded test server accepts
      // them but never calls): a transport that takes them is offered one fixed address, which
      // survives its restarts, since the target keeps calling the URL each run was started with
      callbacks = StackCallbacks.endpoint(options.workDir());
    }
    WorkerFactory fulfillment = FulfillmentServiceWorker.start(euWest, options.simulation());
    stopOrder.add(fulfillment::shutdownNow);
    orderSettings =
        new OrderWorkflowSettings(
            US_EAST,
            OrderWorkflowSettings.euWestFulfillment(
                EU_WEST, NAMESPACE, OrderWorkflowSettings.DEFAULT_REMOTE_EXECUTION_TIMEOUT),
            route,
            options.fulfillmentTimeout());
    WorkerFactory orders =
        OrderServiceWorker.start(usEast, () -> orderSettings, payments, notifications);
    stopOrder.add(orders::shutdownNow);
    step.accept("workers up: orders on us-east, fulfillment on eu-west");

    List<TransportLauncher> launchers =
        options.runAllTransports()
            ? new ArrayList<>(TransportLaunchers.available().values())
            : List.of(TransportLaunchers.named(route.transport()));
    if (launchers.stream().anyMatch(TransportLauncher::needsJetStream)) {
      natsUrl = options.natsUrl() != null ? options.natsUrl() : startLocalNats();
    }
    if (withTransport) {
      launchers.forEach(launcher -> startTransport(launcher, step));
    }
  }

  private void startTransport(TransportLauncher launcher, Consumer<String> step) {
    TransportLaunch launch = transportLaunch(launcher);
    RunningTransport running = launcher.startInProcess(launch);
    transports.put(launcher.name(), running);
    stopOrder.add(running::kill);
    step.accept(
        "transport up: "
            + launcher.name()
            + (launcher.needsJetStream() ? " via " + natsUrl : "")
            + (launch.callbacks() != null
                ? ", outcomes pushed by eu-west to " + launch.callbacks().url()
                : "")
            + " on us-east queue "
            + CrossClusterTransports.named(launcher.name()).routeTo(EU_WEST).taskQueue());
  }

  /**
   * How {@code launcher} runs against this stack: us-east calling eu-west, fulfillments only, the
   * stack's nats-server when it needs one, traced as its own service.
   */
  public TransportLaunch transportLaunch(TransportLauncher launcher) {
    return new TransportLaunch(
        usEast.endpoint(),
        euWest.endpoint(),
        Set.of(FulfillmentWorkflow.TYPE),
        launcher.needsJetStream() ? natsUrl : null,
        tracing(launcher.serviceName()),
        false,
        launcher.acceptsCallbacks() ? callbacks : null,
        options.limits());
  }

  private ConnectionInterceptors interceptors(String service) {
    ConnectionInterceptors traced = tracing(service).temporalInterceptors();
    return metrics == null ? traced : traced.withMetrics(metrics.temporalScope());
  }

  /**
   * This JVM's metrics: the workers', and an in-process transport's; null for a stack started
   * unmetered.
   */
  public ServiceMetrics metrics() {
    return metrics;
  }

  /**
   * Kills the selected transport, as SIGKILL would, and starts a new one: open calls move to it.
   */
  public void restartTransport() {
    TransportLauncher launcher = TransportLaunchers.named(options.transport());
    transport().kill();
    startTransport(launcher, step -> {});
  }

  /** Places orders in us-east under the root span of each order's trace. */
  public OrderPlacement orderPlacement() {
    return new OrderPlacement(usEast.client(), tracing(ORDER_SERVICE));
  }

  private String startLocalNats() {
    if (options.clusters().runsServerProcesses()) {
      jetStream = clusters.startJetStream();
      return jetStream.url();
    }
    if (!ToolBinary.NATS_SERVER.isInstalled()) {
      throw new IllegalArgumentException(
          CrossClusterTransports.SETTING
              + "="
              + options.transport()
              + " needs a nats-server here: install one (apt-get install"
              + " nats-server, or go install github.com/nats-io/nats-server/v2@v2.15.2) or pass --nats-url");
    }
    LocalNatsServer server = LocalNatsServer.startThrowAway();
    stopOrder.add(server);
    return server.url();
  }

  /** The NATS server the stack uses (null when no NATS transport runs). */
  public String natsUrl() {
    return natsUrl;
  }

  /** The nats-server process the stack started beside real clusters, to restart it. */
  public LocalNatsServer jetStream() {
    if (jetStream == null) {
      throw new IllegalStateException(
          "this stack started no nats-server of its own (embedded clusters, another transport, or --nats-url)");
    }
    return jetStream;
  }

  /** What this stack was started with. */
  public StackOptions options() {
    return options;
  }

  public StackClusters clusters() {
    return clusters;
  }

  /**
   * Points new orders at {@code transport} — what flipping {@code XCLUSTER_TRANSPORT} and
   * restarting the order workers does. Orders already placed finish on the transport recorded in
   * their history. (The workers are not really restarted here: the embedded Java test server drops
   * a workflow task that was matched to a stopping worker's poll, which real servers recover; the
   * real-stack tier restarts real processes.)
   */
  public void switchTransport(String transport) {
    CallRoute route = CrossClusterTransports.named(transport).routeTo(EU_WEST);
    orderSettings =
        new OrderWorkflowSettings(
            US_EAST, orderSettings.fulfillment(), route, orderSettings.fulfillmentTimeout());
  }

  public ClusterConnection usEast() {
    return usEast;
  }

  public ClusterConnection euWest() {
    return euWest;
  }

  public OrderWorkflowSettings orderSettings() {
    return orderSettings;
  }

  public RemoteTarget fulfillmentTarget() {
    return orderSettings.fulfillment();
  }

  /** The selected transport, running in this JVM. */
  public RunningTransport transport() {
    RunningTransport running = transports.get(options.transport());
    if (running == null) {
      throw new IllegalStateException(
          "the "
              + options.transport()
              + " transport does not run in this stack's JVM (started without transport?)");
    }
    return running;
  }

  public SimulatedPaymentGateway payments() {
    return payments;
  }

  public SimulatedNotifier notifications() {
    return notifications;
  }

  /** Registers something to stop with the stack (before what was started earlier). */
  public void stopWithStack(AutoCloseable resource) {
    stopOrder.add(resource);
  }

  @Override
  public void close() {
    stopOrder.close();
  }
}
