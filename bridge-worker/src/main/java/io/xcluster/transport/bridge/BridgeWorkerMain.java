package io.xcluster.transport.bridge;

import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.runtime.cli.DestinationLimitsOptions;
import io.xcluster.runtime.cli.ServiceVersion;
import io.xcluster.runtime.cli.TwoClusterOptions;
import io.xcluster.runtime.config.ConfigException;
import io.xcluster.runtime.config.TemporalProfiles.ResolvedCluster;
import io.xcluster.runtime.http.RecheckRoute;
import io.xcluster.runtime.lifecycle.ServiceMain;
import io.xcluster.runtime.lifecycle.ServiceProcess;
import io.xcluster.runtime.lifecycle.ServiceStart;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs one bridge process until SIGTERM / Ctrl-C. */
@Command(
    name = "bridge-worker",
    mixinStandardHelpOptions = true,
    versionProvider = ServiceVersion.class,
    sortOptions = false,
    description = {
      "Polls the calling cluster's bridge queue and runs the calls as workflows on the target cluster.",
      "Clusters come from Temporal profiles named after them ([profile.us-east], [profile.eu-west] in TEMPORAL_CONFIG_FILE),"
          + " then from the flags below. Tracing: OTEL_TRACES_EXPORTER=otlp and the other OTEL_* variables.",
      ""
    })
public final class BridgeWorkerMain extends ServiceMain {

  /**
   * Its HTTP port unless XCLUSTER_HTTP_PORT or --http-port says otherwise; each service has its
   * own, so all run side by side.
   */
  public static final int HTTP_PORT = 8082;

  /** The service name in traces and logs. */
  public static final String SERVICE_NAME = "bridge-worker";

  @Mixin TwoClusterOptions clusters;

  @Option(
      names = "--task-queue",
      description =
          "Task queue to poll in the calling cluster (default: bridge-to-<target-cluster>).")
  String taskQueue;

  @Mixin CallbackOptions callbacks;

  @Mixin DestinationLimitsOptions limits;

  public BridgeWorkerMain() {
    super(SERVICE_NAME, HTTP_PORT);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return new BridgeWorkerMain().execute(args);
  }

  @Override
  protected int serve(ServiceStart start) {
    if (taskQueue != null) {
      ConfigException.requireText("--task-queue", taskQueue);
    }
    ResolvedCluster source = clusters.source(start.profiles());
    ResolvedCluster target = clusters.target(start.profiles());
    BridgeSettings settings =
        new BridgeSettings(
                source.endpoint(), target.endpoint(), taskQueue, null, service.connectTimeout)
            .withCallbacks(callbacks.settings())
            .withLimits(limits.limits());
    ServiceStart.Running running = start.run();
    startIn(running, settings, source, target, service.shutdownGrace);
    return running.serveUntilStopped();
  }

  /**
   * Connects, starts the bridge in {@code running} (it stops with the process) and adds its health
   * details and its {@code POST /calls/recheck}. The calling cluster is waited for; the target is
   * not: a bridge started while eu-west is down polls, is ready on us-east alone and holds its
   * calls back (retried) until eu-west answers.
   *
   * @param shutdownGrace how long remote starts in progress may finish on stop
   */
  static BridgeWorker startIn(
      ServiceStart.Running running,
      BridgeSettings settings,
      ResolvedCluster source,
      ResolvedCluster target,
      Duration shutdownGrace) {
    ServiceProcess process = running.process();
    process
        .log()
        .info(
            settings.callbacks() == null
                ? "outcome mode: heartbeat (every call held open until its remote run ends)"
                : "outcome mode: callback to " + settings.callbacks().url());
    // eu-west down is eu-west's trouble: reported in /readyz details, it does not make the bridge
    // unready (both replicas would drop out at once, and restarting them would not mend eu-west),
    // nor hold its start-up (a rollout during an eu-west outage would leave every new replica
    // unready)
    ClusterConnection targetConnection = running.connectRemote("target", target);
    BridgeWorker bridge =
        BridgeWorker.start(
            settings, running.connect("calling", source), targetConnection, running.tracing());
    process.onStop(() -> bridge.close(shutdownGrace));
    process.health().inform("breaker " + target.endpoint().name(), bridge::describeBreaker);
    RecheckRoute.serveOn(running.http(), bridge.failoverRepair());
    return bridge;
  }
}
