package io.xcluster.transport.nats;

import io.xcluster.runtime.cli.DestinationLimitsOptions;
import io.xcluster.runtime.cli.TwoClusterOptions;
import io.xcluster.runtime.launch.PlacedProcess;
import io.xcluster.runtime.launch.PlacementApart;
import io.xcluster.runtime.launch.ProcessLaunch;
import io.xcluster.runtime.launch.RegionCrossing;
import io.xcluster.runtime.launch.RunningTransport;
import io.xcluster.runtime.launch.TransportLaunch;
import io.xcluster.runtime.launch.TransportLauncher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs both sides of the NATS coordinator in this JVM or as {@link NatsCoordinatorMain}; found
 * through META-INF/services.
 */
public final class NatsLauncher implements TransportLauncher {

  /** Tests: a call held by a killed relay is redelivered after 2 s. */
  private static final Duration QUICK_ACK_WAIT = Duration.ofSeconds(2);

  @Override
  public String name() {
    return NatsTransport.NAME;
  }

  @Override
  public String serviceName() {
    return NatsCoordinatorMain.SERVICE_NAME;
  }

  @Override
  public boolean needsJetStream() {
    return true;
  }

  /**
   * Stream replicas for a launch: 3 where the URL lists three servers or more (a JetStream cluster;
   * R3 survives a node), else 1. A deployed coordinator says so itself: {@code --stream-replicas}.
   */
  static int streamReplicasFor(String natsUrl) {
    return natsUrl.split(",").length >= 3 ? 3 : 1;
  }

  @Override
  public RunningTransport startInProcess(TransportLaunch launch) {
    String url = launch.requireNatsUrl(name());
    NatsSettings settings = NatsSettings.defaults(url).withStreamReplicas(streamReplicasFor(url));
    if (launch.quickRecovery()) {
      settings = settings.withAckWait(QUICK_ACK_WAIT);
    }
    if (!launch.allowedWorkflowTypes().isEmpty()) {
      settings = settings.allowing(launch.allowedWorkflowTypes());
    }
    settings = settings.withLimits(launch.limits());
    NatsCoordinator coordinator =
        NatsCoordinator.startBothSides(
            settings, launch.source(), launch.target(), launch.tracing());
    return new RunningTransport() {
      @Override
      public void kill() {
        coordinator.kill();
      }

      @Override
      public void close() {
        coordinator.close();
      }
    };
  }

  /** One broker for both regions: beside the relay, in the target region, or beside the caller. */
  static final PlacementApart BROKER_IN_TARGET_REGION =
      new PlacementApart(
          "broker-in-target-region", "NATS and its relay in the target region", false);

  static final PlacementApart BROKER_IN_CALLING_REGION =
      new PlacementApart(
          "broker-in-calling-region", "NATS in the calling region, its relay across", false);

  /**
   * A NATS server in each region (recommended): JetStream beside the relay in the target region, a
   * leaf node without JetStream beside the calling side, one leaf-node connection across. It costs
   * the WAN what the broker in the target region does (docs/benchmarks-wan.md), and the calling
   * side's client never loses its server to the WAN: a cut link looks to it like an election ("no
   * responders"), which the publish rides out.
   */
  static final PlacementApart SERVER_PER_REGION =
      new PlacementApart(
          "server-per-region",
          "a NATS server per region, a leaf node to JetStream in the target region",
          true);

  @Override
  public List<PlacementApart> placementsApart() {
    return List.of(BROKER_IN_TARGET_REGION, BROKER_IN_CALLING_REGION, SERVER_PER_REGION);
  }

  /**
   * Two processes, one per side, each in its region; the side away from the broker reaches it
   * across the WAN (the calling side's publishes and pulls, or the relay's pulls, marker reads and
   * outcome publishes), directly or through the leaf node in its own region.
   */
  @Override
  public List<PlacedProcess> placeApart(
      PlacementApart placement, TransportLaunch launch, RegionCrossing crossing) {
    String broker = launch.requireNatsUrl(name()).replaceFirst("^nats://", "");
    TransportLaunch callingSide = launch;
    TransportLaunch relay = launch;
    if (placement.equals(BROKER_IN_TARGET_REGION)) {
      callingSide =
          launch.withNatsUrl(
              "nats://" + crossing.cross("broker", broker, RegionCrossing.Region.CALLING));
    } else if (placement.equals(SERVER_PER_REGION)) {
      RegionCrossing.NatsLeaf leaf =
          crossing.natsLeaf("leaf-to-jetstream", RegionCrossing.Region.CALLING);
      // the streams belong to the region they live in: the relay beside them sets them up (first),
      // the calling side across the leaf only checks them, so it never resizes them from a URL
      // that names one server, the leaf
      return List.of(
          new PlacedProcess(relay, List.of("--side", "target")),
          new PlacedProcess(
              launch.withNatsUrl(leaf.url()),
              List.of(
                  "--side",
                  "calling",
                  "--jetstream-domain",
                  leaf.jetStreamDomain(),
                  "--provisioned-streams")));
    } else if (placement.equals(BROKER_IN_CALLING_REGION)) {
      relay =
          launch.withNatsUrl(
              "nats://" + crossing.cross("broker", broker, RegionCrossing.Region.TARGET));
    } else {
      return TransportLauncher.super.placeApart(placement, launch, crossing);
    }
    return List.of(
        new PlacedProcess(callingSide, List.of("--side", "calling")),
        new PlacedProcess(relay, List.of("--side", "target")));
  }

  @Override
  public ProcessLaunch asProcess(TransportLaunch launch) {
    String url = launch.requireNatsUrl(name());
    List<String> args =
        new ArrayList<>(
            List.of(
                "--nats-url", url, "--stream-replicas", String.valueOf(streamReplicasFor(url))));
    args.addAll(TwoClusterOptions.asArguments(launch.source(), launch.target()));
    // a launch's empty set means any type; the process must be told so, it allows none by default
    args.addAll(
        List.of(
            "--allow-workflow-type",
            launch.allowedWorkflowTypes().isEmpty()
                ? AllowedWorkflowTypes.ANY
                : String.join(",", launch.allowedWorkflowTypes())));
    args.addAll(List.of("--http-port", "0"));
    args.addAll(DestinationLimitsOptions.asArguments(launch.limits()));
    return new ProcessLaunch(NatsCoordinatorMain.class.getName(), args, "nats coordinator up");
  }
}
