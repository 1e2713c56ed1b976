package io.xcluster.runtime.launch;

import java.util.List;

/**
 * What it takes to run one transport, found on the class path by {@link TransportLaunchers} ({@code
 * META-INF/services/io.xcluster.runtime.launch.TransportLauncher}): in this JVM (the embedded
 * stack, tests) or as a process of its own (the real stack, fault drills, benchmarks). Stacks,
 * benchmarks and drills loop over the launchers on the class path, so a new transport touches no
 * module but its own (docs/adding-a-transport.md).
 */
public interface TransportLauncher {

  /**
   * The name {@code XCLUSTER_TRANSPORT} selects it by; the same as its {@code
   * CrossClusterTransport}'s.
   */
  String name();

  /** The service name of its process, in traces and logs (e.g. {@code bridge-worker}). */
  String serviceName();

  /** Whether it needs a JetStream-enabled NATS server ({@link TransportLaunch#natsUrl()}). */
  default boolean needsJetStream() {
    return false;
  }

  /**
   * Whether the target cluster can push outcomes to it ({@link TransportLaunch#callbacks()}): then
   * a call costs the calling cluster nothing while it waits.
   */
  default boolean acceptsCallbacks() {
    return false;
  }

  /**
   * False for a transport kept only to test the seam (it holds a thread per call): benchmarks leave
   * it out.
   */
  default boolean forProduction() {
    return true;
  }

  /** Starts the transport in this JVM between the launch's clusters; ready when this returns. */
  RunningTransport startInProcess(TransportLaunch launch);

  /** The main class and arguments that run the transport as a process of its own. */
  ProcessLaunch asProcess(TransportLaunch launch);

  /**
   * Where its processes can live with the regions apart; none for a transport that has not said.
   */
  default List<PlacementApart> placementsApart() {
    return List.of();
  }

  /**
   * The processes of {@code placement}, each connection that crosses the regions routed through
   * {@code crossing}.
   *
   * @throws IllegalArgumentException for a placement not among {@link #placementsApart()}
   */
  default List<PlacedProcess> placeApart(
      PlacementApart placement, TransportLaunch launch, RegionCrossing crossing) {
    throw new IllegalArgumentException(
        "the " + name() + " transport has no placement '" + placement.name() + "'");
  }
}
