package io.xcluster.region.euwest.fulfillment.service;

import io.temporal.worker.WorkerFactory;
import io.xcluster.port.cluster.WorkerPollers;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.euwest.fulfillment.worker.FulfillmentServiceWorker;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentWorkflow;
import io.xcluster.runtime.cli.HomeClusterOptions;
import io.xcluster.runtime.cli.ServiceVersion;
import io.xcluster.runtime.cli.WorkerPollerOptions;
import io.xcluster.runtime.config.ConfigException;
import io.xcluster.runtime.config.TemporalProfiles.ResolvedCluster;
import io.xcluster.runtime.lifecycle.ServiceMain;
import io.xcluster.runtime.lifecycle.ServiceStart;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs eu-west's fulfillment worker until SIGTERM / Ctrl-C: it does not know or care which
 * transport started a fulfillment.
 */
@Command(
    name = "fulfillment-service-eu-west",
    mixinStandardHelpOptions = true,
    versionProvider = ServiceVersion.class,
    sortOptions = false,
    description = {
      "Runs FulfillmentWorkflow (pick and pack, ship) and its activities on this region's cluster.",
      "The cluster comes from the Temporal profile named after it (TEMPORAL_CONFIG_FILE), then TEMPORAL_ADDRESS,"
          + " TEMPORAL_NAMESPACE and TEMPORAL_TLS_*, then the flags below. Tracing: OTEL_TRACES_EXPORTER=otlp and the other OTEL_* variables.",
      ""
    })
public final class FulfillmentServiceMain extends ServiceMain {

  /**
   * Its HTTP port unless XCLUSTER_HTTP_PORT or --http-port says otherwise; each service has its
   * own, so all run side by side.
   */
  public static final int HTTP_PORT = 8081;

  /** The service name in traces and logs. */
  public static final String SERVICE_NAME = "fulfillment-service-eu-west";

  /** This region's cluster, by default: its profile name and the name other regions call it by. */
  public static final String CLUSTER = "eu-west";

  @Option(
      names = "--cluster",
      defaultValue = "${env:XCLUSTER_CLUSTER:-" + CLUSTER + "}",
      description =
          "This region's cluster name, and the Temporal profile read for it (env XCLUSTER_CLUSTER, default: ${DEFAULT-VALUE}).")
  String cluster;

  @Mixin HomeClusterOptions home;

  @Mixin WorkerPollerOptions workerPollers;

  @Option(
      names = "--task-queue",
      defaultValue = "${env:XCLUSTER_TASK_QUEUE:-" + FulfillmentWorkflow.TASK_QUEUE + "}",
      description =
          "Task queue the worker polls (env XCLUSTER_TASK_QUEUE, default: ${DEFAULT-VALUE}).")
  String taskQueue;

  @Option(
      names = "--simulated-step-delay",
      defaultValue = "${env:XCLUSTER_SIMULATED_STEP_DELAY:-200ms}",
      description =
          "How long the simulated warehouse and carrier take per step (env XCLUSTER_SIMULATED_STEP_DELAY, default: ${DEFAULT-VALUE}).")
  Duration stepDelay;

  @Option(
      names = "--simulated-failure-rate",
      defaultValue = "${env:XCLUSTER_SIMULATED_FAILURE_RATE:-0}",
      description =
          "Share of step attempts (0..1) that fail retryably, like a flaky warehouse system"
              + " (env XCLUSTER_SIMULATED_FAILURE_RATE, default: ${DEFAULT-VALUE}).")
  double failureRate;

  public FulfillmentServiceMain() {
    super(SERVICE_NAME, HTTP_PORT);
  }

  public static void main(String[] args) {
    System.exit(new FulfillmentServiceMain().execute(args));
  }

  @Override
  protected int serve(ServiceStart start) {
    ConfigException.requireText("--cluster / XCLUSTER_CLUSTER", cluster);
    ConfigException.requireText("--task-queue / XCLUSTER_TASK_QUEUE", taskQueue);
    ResolvedCluster region = home.resolve(start.profiles(), cluster, "127.0.0.1:7234");
    WorkerPollers pollers = workerPollers.pollers();
    if (stepDelay.isNegative()) {
      throw ConfigException.invalid(
          "--simulated-step-delay / XCLUSTER_SIMULATED_STEP_DELAY",
          stepDelay,
          "must not be negative");
    }
    if (!(failureRate >= 0 && failureRate <= 1)) {
      throw ConfigException.invalid(
          "--simulated-failure-rate / XCLUSTER_SIMULATED_FAILURE_RATE",
          failureRate,
          "must be within 0..1");
    }
    SimulationSettings simulation =
        new SimulationSettings(stepDelay, failureRate, System.nanoTime());
    ServiceStart.Running running = start.run();
    WorkerFactory workers =
        FulfillmentServiceWorker.start(
            running.connect("home", region), simulation, taskQueue, pollers);
    running.process().drainOnStop("fulfillment worker on " + taskQueue, workers);
    running
        .process()
        .log()
        .info("fulfillment worker polling {} on {}", taskQueue, region.endpoint().describe());
    return running.serveUntilStopped();
  }
}
