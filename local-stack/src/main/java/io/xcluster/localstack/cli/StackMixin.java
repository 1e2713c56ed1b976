package io.xcluster.localstack.cli;

import io.xcluster.localstack.stack.ClusterKind;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.runtime.launch.TransportLaunchers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options every local-stack command shares: ports, transport, timeouts, simulation. */
public final class StackMixin {

  @Option(
      names = "--stack",
      defaultValue = "embedded",
      converter = ClusterKindConverter.class,
      description =
          "embedded: in-process Temporal test servers, only a JDK needed (default). real: two `temporal server start-dev`"
              + " processes and a nats-server, from PATH or scripts/install-tools.sh. postgres: production-like, per region a full Temporal"
              + " server on PostgreSQL with 4 history shards and an mTLS frontend, and a nats-server (scripts/install-tools.sh temporal-server"
              + " postgres nats).")
  ClusterKind clusters;

  @Option(
      names = "--work-dir",
      defaultValue = ".local-stack",
      description =
          "With --stack real or postgres: where the servers' databases, the JetStream store and all logs go; emptied at start (default: ${DEFAULT-VALUE}).")
  Path workDir;

  @Option(
      names = "--us-east-port",
      defaultValue = "" + StackOptions.DEFAULT_US_EAST_PORT,
      description =
          "Loopback port of the us-east cluster (default: ${DEFAULT-VALUE}; 0 = any free port).")
  int usEastPort;

  @Option(
      names = "--eu-west-port",
      defaultValue = "" + StackOptions.DEFAULT_EU_WEST_PORT,
      description =
          "Loopback port of the eu-west cluster (default: ${DEFAULT-VALUE}; 0 = any free port).")
  int euWestPort;

  @Option(
      names = "--transport",
      defaultValue = "${env:XCLUSTER_TRANSPORT:-bridge}",
      completionCandidates = AvailableTransports.class,
      description =
          "Cross-cluster transport for new orders: ${COMPLETION-CANDIDATES} (env XCLUSTER_TRANSPORT; default: ${DEFAULT-VALUE}).")
  String transport;

  @Option(
      names = "--fulfillment-timeout",
      defaultValue = "PT48H",
      description =
          "How long an order waits for fulfillment before escalating, e.g. 48h or PT48H (default: ${DEFAULT-VALUE}).")
  Duration fulfillmentTimeout;

  @Option(
      names = "--warehouse-delay",
      description =
          "Simulated duration of each warehouse and carrier step, e.g. 1s or PT1S (default: PT0S; demo: PT1S, so its live order's stages can be watched).")
  Duration warehouseDelay;

  @Option(
      names = "--warehouse-flakiness",
      defaultValue = "0.0",
      description =
          "Share 0..1 of warehouse and carrier attempts that fail transiently and are retried (default: ${DEFAULT-VALUE}).")
  double warehouseFlakiness;

  @Option(
      names = "--nats-url",
      defaultValue = "${env:XCLUSTER_NATS_URL}",
      description =
          "NATS server for a transport that needs JetStream (env XCLUSTER_NATS_URL); unset: start a local nats-server from PATH.")
  String natsUrl;

  /**
   * Refuses a bad value before anything is started, naming its option (an {@link
   * IllegalArgumentException}: one line, exit 2).
   */
  public void check() {
    requirePort("--us-east-port", usEastPort);
    requirePort("--eu-west-port", euWestPort);
    if (!TransportLaunchers.available().containsKey(transport)) {
      throw new IllegalArgumentException(
          "--transport "
              + transport
              + " is not a transport; use one of "
              + String.join(", ", TransportLaunchers.available().keySet()));
    }
    if (fulfillmentTimeout.isZero() || fulfillmentTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "--fulfillment-timeout must be a positive duration (e.g. 48h or PT48H), was "
              + fulfillmentTimeout);
    }
    if (warehouseDelay != null && warehouseDelay.isNegative()) {
      throw new IllegalArgumentException(
          "--warehouse-delay must not be negative (e.g. 1s or PT1S), was " + warehouseDelay);
    }
    if (!(warehouseFlakiness >= 0 && warehouseFlakiness <= 1)) {
      throw new IllegalArgumentException(
          "--warehouse-flakiness must be a share from 0 to 1, was " + warehouseFlakiness);
    }
    if (clusters.runsServerProcesses() && Files.exists(workDir) && !Files.isDirectory(workDir)) {
      throw new IllegalArgumentException(
          "--work-dir "
              + workDir
              + " is not a directory (the servers' databases and logs go there)");
    }
  }

  /** Whether --warehouse-delay was given (the modes that cannot use it refuse it). */
  public boolean warehouseDelayGiven() {
    return warehouseDelay != null;
  }

  /** Whether --warehouse-flakiness was set above 0. */
  public boolean warehouseFlakinessGiven() {
    return warehouseFlakiness != 0.0;
  }

  private static void requirePort(String option, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          option + " must be a port from 1 to 65535 (0 = any free port), was " + port);
    }
  }

  public StackOptions toOptions() {
    return toOptions(Duration.ZERO);
  }

  /** The options, with {@code defaultWarehouseDelay} unless --warehouse-delay was given. */
  public StackOptions toOptions(Duration defaultWarehouseDelay) {
    check();
    return StackOptions.forTransport(transport)
        .withPorts(usEastPort, euWestPort)
        .withFulfillmentTimeout(fulfillmentTimeout)
        .withSimulation(
            new SimulationSettings(
                warehouseDelay == null ? defaultWarehouseDelay : warehouseDelay,
                warehouseFlakiness,
                7L))
        .withNatsUrl(natsUrl)
        .withClusters(clusters, workDir);
  }

  /** The transports whose launchers are on the class path: what {@code --transport} accepts. */
  static final class AvailableTransports implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return io.xcluster.runtime.launch.TransportLaunchers.available().keySet().iterator();
    }
  }

  /**
   * Accepts {@code embedded} / {@code real} / {@code postgres} in any case, with one clear error
   * otherwise.
   */
  static final class ClusterKindConverter
      implements picocli.CommandLine.ITypeConverter<ClusterKind> {
    @Override
    public ClusterKind convert(String value) {
      for (ClusterKind kind : ClusterKind.values()) {
        if (kind.name().equalsIgnoreCase(value)) {
          return kind;
        }
      }
      throw new picocli.CommandLine.TypeConversionException(
          "'" + value + "' is not a stack; use embedded, real or postgres");
    }
  }
}
