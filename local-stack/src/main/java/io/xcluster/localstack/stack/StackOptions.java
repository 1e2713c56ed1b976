package io.xcluster.localstack.stack;

import io.xcluster.port.protection.DestinationLimits;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to start the local stack.
 *
 * @param usEastPort loopback port of the us-east cluster's frontend (0: any free port)
 * @param euWestPort loopback port of the eu-west cluster's frontend (0: any free port)
 * @param transport the cross-cluster transport for new orders, as {@code XCLUSTER_TRANSPORT} names
 *     it
 * @param fulfillmentTimeout how long an order waits for fulfillment before escalating
 * @param simulation the simulated warehouse's delays and failure injection
 * @param natsUrl the NATS server for the NATS transport; null starts a local nats-server (from
 *     PATH)
 * @param runAllTransports run every transport's process, not only the selected one, so the
 *     selection can be flipped while orders are in flight
 * @param clusters embedded (in-process) or real Temporal servers
 * @param workDir where real servers keep their databases, broker store and logs
 * @param limits the transports' per-destination caps and circuit breaker; null: {@link
 *     DestinationLimits#DEFAULTS}
 */
public record StackOptions(
    int usEastPort,
    int euWestPort,
    String transport,
    Duration fulfillmentTimeout,
    SimulationSettings simulation,
    String natsUrl,
    boolean runAllTransports,
    ClusterKind clusters,
    Path workDir,
    DestinationLimits limits) {

  public static final int DEFAULT_US_EAST_PORT = 7233;
  public static final int DEFAULT_EU_WEST_PORT = 7234;
  public static final Path DEFAULT_WORK_DIR = Path.of(".local-stack");

  public StackOptions {
    requirePort("--us-east-port", usEastPort);
    requirePort("--eu-west-port", euWestPort);
    if (usEastPort != 0 && usEastPort == euWestPort) {
      throw new IllegalArgumentException(
          "--us-east-port and --eu-west-port must differ, both are " + usEastPort);
    }
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(fulfillmentTimeout, "fulfillmentTimeout");
    Objects.requireNonNull(simulation, "simulation");
    Objects.requireNonNull(clusters, "clusters");
    Objects.requireNonNull(workDir, "workDir");
    limits = limits == null ? DestinationLimits.DEFAULTS : limits;
  }

  /** The selected transport only, a local nats-server when that one needs it. */
  public StackOptions(
      int usEastPort,
      int euWestPort,
      String transport,
      Duration fulfillmentTimeout,
      SimulationSettings simulation) {
    this(
        usEastPort,
        euWestPort,
        transport,
        fulfillmentTimeout,
        simulation,
        null,
        false,
        ClusterKind.EMBEDDED,
        DEFAULT_WORK_DIR,
        null);
  }

  /**
   * {@code transport} alone on embedded clusters on free ports, with a 48 h fulfillment timeout and
   * an instant warehouse.
   */
  public static StackOptions forTransport(String transport) {
    return new StackOptions(0, 0, transport, Duration.ofHours(48), SimulationSettings.INSTANT);
  }

  public StackOptions withPorts(int usEast, int euWest) {
    return new StackOptions(
        usEast,
        euWest,
        transport,
        fulfillmentTimeout,
        simulation,
        natsUrl,
        runAllTransports,
        clusters,
        workDir,
        limits);
  }

  public StackOptions withTransport(String selected) {
    return new StackOptions(
        usEastPort,
        euWestPort,
        selected,
        fulfillmentTimeout,
        simulation,
        natsUrl,
        runAllTransports,
        clusters,
        workDir,
        limits);
  }

  public StackOptions withFulfillmentTimeout(Duration timeout) {
    return new StackOptions(
        usEastPort,
        euWestPort,
        transport,
        timeout,
        simulation,
        natsUrl,
        runAllTransports,
        clusters,
        workDir,
        limits);
  }

  public StackOptions withSimulation(SimulationSettings warehouse) {
    return new StackOptions(
        usEastPort,
        euWestPort,
        transport,
        fulfillmentTimeout,
        warehouse,
        natsUrl,
        runAllTransports,
        clusters,
        workDir,
        limits);
  }

  /**
   * A NATS server of the caller's instead of one the stack starts; null: the stack starts one if a
   * transport needs it.
   */
  public StackOptions withNatsUrl(String url) {
    return new StackOptions(
        usEastPort,
        euWestPort,
        transport,
        fulfillmentTimeout,
        simulation,
        url,
        runAllTransports,
        clusters,
        workDir,
        limits);
  }

  /**
   * Every transport on the class path runs, not only the selected one, so the selection can be
   * flipped while orders are in flight.
   */
  public StackOptions withAllTransports() {
    return new StackOptions(
        usEastPort,
        euWestPort,
        transport,
        fulfillmentTimeout,
        simulation,
        natsUrl,
        true,
        clusters,
        workDir,
        limits);
  }

  /**
   * The same stack on {@code kind} clusters, keeping their files (server processes only) in {@code
   * dir}.
   */
  public StackOptions withClusters(ClusterKind kind, Path dir) {
    return new StackOptions(
        usEastPort,
        euWestPort,
        transport,
        fulfillmentTimeout,
        simulation,
        natsUrl,
        runAllTransports,
        kind,
        dir,
        limits);
  }

  /** The same stack with these caps and circuit breaker on its transports' calls to eu-west. */
  public StackOptions withDestinationLimits(DestinationLimits destinationLimits) {
    return new StackOptions(
        usEastPort,
        euWestPort,
        transport,
        fulfillmentTimeout,
        simulation,
        natsUrl,
        runAllTransports,
        clusters,
        workDir,
        destinationLimits);
  }

  /**
   * The same stack on real Temporal servers (and a real nats-server) keeping their files in {@code
   * dir}.
   */
  public StackOptions onRealServers(Path dir) {
    return withClusters(ClusterKind.REAL, dir);
  }

  private static void requirePort(String setting, int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(setting + " must be within 0..65535, was " + port);
    }
  }
}
