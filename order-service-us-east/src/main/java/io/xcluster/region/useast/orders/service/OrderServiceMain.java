package io.xcluster.region.useast.orders.service;

import io.temporal.worker.WorkerFactory;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.WorkerPollers;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CrossClusterTransports;
import io.xcluster.region.useast.orders.api.OrdersHttpApi;
import io.xcluster.region.useast.orders.notification.SimulatedNotifier;
import io.xcluster.region.useast.orders.payment.SimulatedPaymentGateway;
import io.xcluster.region.useast.orders.placement.OrderPlacement;
import io.xcluster.region.useast.orders.worker.OrderServiceWorker;
import io.xcluster.region.useast.orders.workflow.OrderWorkflowSettings;
import io.xcluster.runtime.cli.HomeClusterOptions;
import io.xcluster.runtime.cli.ServiceVersion;
import io.xcluster.runtime.cli.WorkerPollerOptions;
import io.xcluster.runtime.config.ConfigException;
import io.xcluster.runtime.config.TemporalProfiles.ResolvedCluster;
import io.xcluster.runtime.http.HttpRoute;
import io.xcluster.runtime.lifecycle.ServiceMain;
import io.xcluster.runtime.lifecycle.ServiceProcess;
import io.xcluster.runtime.lifecycle.ServiceStart;
import io.xcluster.tracing.ServiceTracing;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs us-east's order service until SIGTERM / Ctrl-C: the {@code OrderWorkflow} worker and the
 * order HTTP API. The transport is chosen here, by name, from the transports on the class path; the
 * region's code only knows the port.
 */
@Command(
    name = "order-service-us-east",
    mixinStandardHelpOptions = true,
    versionProvider = ServiceVersion.class,
    sortOptions = false,
    description = {
      "Runs OrderWorkflow (payment, fulfillment in another region, confirmation or escalation) and the order HTTP API:"
          + " POST /orders, GET /orders/{id}, POST /orders/{id}/cancel, POST /orders/{id}/delivery-address (docs/openapi.yaml), plus /healthz, /readyz and /metrics.",
      "The cluster comes from the Temporal profile named after it (TEMPORAL_CONFIG_FILE), then TEMPORAL_ADDRESS,"
          + " TEMPORAL_NAMESPACE and TEMPORAL_TLS_*, then the flags below. Tracing: OTEL_TRACES_EXPORTER=otlp and the other OTEL_* variables.",
      ""
    })
public final class OrderServiceMain extends ServiceMain {

  /**
   * Its HTTP port unless XCLUSTER_HTTP_PORT or --http-port says otherwise; each service has its
   * own, so all run side by side.
   */
  public static final int HTTP_PORT = 8080;

  /** The service name in traces and logs. */
  public static final String SERVICE_NAME = "order-service-us-east";

  public static final String CLUSTER = "us-east";

  @Option(
      names = "--cluster",
      defaultValue = "${env:XCLUSTER_CLUSTER:-" + CLUSTER + "}",
      description =
          "This region's cluster name (first part of call ids) and the Temporal profile read for it"
              + " (env XCLUSTER_CLUSTER, default: ${DEFAULT-VALUE}).")
  String cluster;

  @Mixin HomeClusterOptions home;

  @Mixin WorkerPollerOptions workerPollers;

  @Option(
      names = "--transport",
      defaultValue = "${env:" + CrossClusterTransports.SETTING + ":-bridge}",
      completionCandidates = OfferedTransports.class,
      description =
          "Cross-cluster transport for new orders, by name, one of: ${COMPLETION-CANDIDATES};"
              + " orders in flight keep theirs (env "
              + CrossClusterTransports.SETTING
              + ", default: ${DEFAULT-VALUE}).")
  String transport;

  @Option(
      names = "--target-cluster",
      defaultValue = "${env:XCLUSTER_TARGET_CLUSTER:-eu-west}",
      description =
          "Cluster that fulfils orders (env XCLUSTER_TARGET_CLUSTER, default: ${DEFAULT-VALUE}).")
  String targetCluster;

  @Option(
      names = "--target-namespace",
      defaultValue = "${env:XCLUSTER_TARGET_NAMESPACE:-default}",
      description =
          "Namespace of the fulfillment workflows there (env XCLUSTER_TARGET_NAMESPACE, default: ${DEFAULT-VALUE}).")
  String targetNamespace;

  @Option(
      names = "--fulfillment-timeout",
      defaultValue = "${env:XCLUSTER_FULFILLMENT_TIMEOUT:-48h}",
      description =
          "How long an order waits for its fulfillment before it escalates (env XCLUSTER_FULFILLMENT_TIMEOUT, default: ${DEFAULT-VALUE}).")
  Duration fulfillmentTimeout;

  public OrderServiceMain() {
    super(SERVICE_NAME, HTTP_PORT);
  }

  public static void main(String[] args) {
    System.exit(new OrderServiceMain().execute(args));
  }

  @Override
  protected int serve(ServiceStart start) {
    ConfigException.requireText("--cluster / XCLUSTER_CLUSTER", cluster);
    ResolvedCluster region = home.resolve(start.profiles(), cluster, "127.0.0.1:7233");
    WorkerPollers pollers = workerPollers.pollers();
    OrderWorkflowSettings settings = workflowSettings();
    ServiceStart.Running running = start.run();
    ServiceProcess process = running.process();
    ServiceTracing tracing = running.tracing();
    process
        .log()
        .info(
            "new orders go to {} through {} (queue {})",
            targetCluster,
            settings.route().transport(),
            settings.route().taskQueue());
    // /orders answers 503 "starting" (problem+json) until the worker that runs orders is polling
    AtomicReference<HttpRoute> api = new AtomicReference<>(OrdersHttpApi.starting());
    running.http().route("/orders", OrdersHttpApi.POOL, call -> api.get().handle(call));
    ClusterConnection connection = running.connect("home", region);
    WorkerFactory workers =
        OrderServiceWorker.start(
            connection,
            () -> settings,
            new SimulatedPaymentGateway(),
            new SimulatedNotifier(),
            pollers);
    process.drainOnStop("order worker", workers);
    process.log().info("order API on /orders");
    api.set(
        OrdersHttpApi.over(
            connection.client(),
            new OrderPlacement(connection.client(), tracing),
            process.health()::isStopping));
    return running.serveUntilStopped();
  }

  /** The transports on this jar's class path: what {@code --transport} accepts. */
  static final class OfferedTransports implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return CrossClusterTransports.available().keySet().iterator();
    }
  }

  private OrderWorkflowSettings workflowSettings() {
    ConfigException.requireText("--target-cluster / XCLUSTER_TARGET_CLUSTER", targetCluster);
    ConfigException.requireText("--target-namespace / XCLUSTER_TARGET_NAMESPACE", targetNamespace);
    CallRoute route;
    try {
      route = CrossClusterTransports.named(transport).routeTo(targetCluster);
    } catch (IllegalArgumentException unknown) {
      throw ConfigException.invalid(
          "--transport / " + CrossClusterTransports.SETTING,
          transport,
          "not a transport on the class path; available: "
              + String.join(", ", CrossClusterTransports.available().keySet()));
    }
    if (fulfillmentTimeout.isNegative() || fulfillmentTimeout.isZero()) {
      throw ConfigException.invalid(
          "--fulfillment-timeout / XCLUSTER_FULFILLMENT_TIMEOUT",
          fulfillmentTimeout,
          "must be positive");
    }
    return new OrderWorkflowSettings(
        cluster,
        OrderWorkflowSettings.euWestFulfillment(
            targetCluster, targetNamespace, OrderWorkflowSettings.DEFAULT_REMOTE_EXECUTION_TIMEOUT),
        route,
        fulfillmentTimeout);
  }
}
