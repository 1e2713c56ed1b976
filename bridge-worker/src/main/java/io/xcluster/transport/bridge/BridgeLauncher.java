package io.xcluster.transport.bridge;

import io.xcluster.runtime.cli.DestinationLimitsOptions;
import io.xcluster.runtime.cli.TwoClusterOptions;
import io.xcluster.runtime.launch.CallbackEndpoint;
import io.xcluster.runtime.launch.PlacedProcess;
import io.xcluster.runtime.launch.PlacementApart;
import io.xcluster.runtime.launch.ProcessLaunch;
import io.xcluster.runtime.launch.RegionCrossing;
import io.xcluster.runtime.launch.RunningTransport;
import io.xcluster.runtime.launch.TransportLaunch;
import io.xcluster.runtime.launch.TransportLauncher;
import io.xcluster.transport.bridge.callback.CallbackKey;
import io.xcluster.transport.bridge.callback.CallbackSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the worker bridge in this JVM or as {@link BridgeWorkerMain}; found through
 * META-INF/services.
 */
public final class BridgeLauncher implements TransportLauncher {

  /** Tests: open calls are looked at every 100 ms, so a short caller heartbeat timeout is met. */
  private static final Duration QUICK_HEARTBEAT_TICK = Duration.ofMillis(100);

  @Override
  public String name() {
    return BridgeTransport.NAME;
  }

  @Override
  public String serviceName() {
    return BridgeWorkerMain.SERVICE_NAME;
  }

  @Override
  public boolean acceptsCallbacks() {
    return true;
  }

  @Override
  public RunningTransport startInProcess(TransportLaunch launch) {
    BridgeSettings settings =
        new BridgeSettings(
            launch.source(),
            launch.target(),
            null,
            launch.quickRecovery() ? QUICK_HEARTBEAT_TICK : null,
            null,
            callbackSettings(launch.callbacks()));
    BridgeWorker bridge =
        BridgeWorker.start(settings.withLimits(launch.limits()), launch.tracing());
    return new RunningTransport() {
      @Override
      public void kill() {
        bridge.kill();
      }

      @Override
      public void close() {
        bridge.close();
      }

      @Override
      public int heldCalls() {
        return bridge.inFlightCalls();
      }
    };
  }

  @Override
  public ProcessLaunch asProcess(TransportLaunch launch) {
    List<String> args =
        new ArrayList<>(TwoClusterOptions.asArguments(launch.source(), launch.target()));
    args.addAll(
        List.of(
            "--task-queue",
            BridgeTransport.taskQueueFor(launch.target().name()),
            "--http-port",
            "0"));
    CallbackEndpoint callbacks = launch.callbacks();
    args.addAll(
        callbacks == null
            ? List.of("--outcome-mode", "heartbeat")
            : List.of(
                "--outcome-mode",
                "callback",
                "--callback-url",
                callbacks.url().toString(),
                "--callback-listen",
                callbacks.listen(),
                "--callback-key-file",
                callbacks.keyFile().toString()));
    args.addAll(DestinationLimitsOptions.asArguments(launch.limits()));
    return new ProcessLaunch(BridgeWorkerMain.class.getName(), args, "bridge polling");
  }

  /** Where the bridge may live with the regions apart: beside the target (best) or the caller. */
  static final PlacementApart IN_TARGET_REGION =
      new PlacementApart("target-region", "bridge in the target region", true);

  static final PlacementApart IN_CALLING_REGION =
      new PlacementApart("calling-region", "bridge in the calling region", false);

  @Override
  public List<PlacementApart> placementsApart() {
    return List.of(IN_TARGET_REGION, IN_CALLING_REGION);
  }

  /**
   * In the target region the bridge polls and answers the calling cluster's queue across the WAN,
   * and starts runs and takes callbacks at home; in the calling region its starts cross, and so do
   * the target's callbacks to it.
   */
  @Override
  public List<PlacedProcess> placeApart(
      PlacementApart placement, TransportLaunch launch, RegionCrossing crossing) {
    if (placement.equals(IN_TARGET_REGION)) {
      String caller =
          crossing.cross("frontend", launch.source().address(), RegionCrossing.Region.TARGET);
      return List.of(
          new PlacedProcess(launch.withSource(launch.source().withAddress(caller)), List.of()));
    }
    if (placement.equals(IN_CALLING_REGION)) {
      String target =
          crossing.cross("frontend", launch.target().address(), RegionCrossing.Region.CALLING);
      TransportLaunch apart = launch.withTarget(launch.target().withAddress(target));
      CallbackEndpoint callbacks = launch.callbacks();
      if (callbacks != null) {
        // the target is told to call the crossing; the bridge listens where it did
        String back = crossing.cross("callbacks", callbacks.listen(), RegionCrossing.Region.TARGET);
        apart =
            apart.withCallbacks(
                new CallbackEndpoint(
                    java.net.URI.create("http://" + back + callbacks.url().getRawPath()),
                    callbacks.listen(),
                    callbacks.keyFile()));
      }
      return List.of(new PlacedProcess(apart, List.of()));
    }
    return TransportLauncher.super.placeApart(placement, launch, crossing);
  }

  /** The callback mode where the launch offers an endpoint; else null, the heartbeat mode. */
  private static CallbackSettings callbackSettings(CallbackEndpoint endpoint) {
    if (endpoint == null) {
      return null;
    }
    return CallbackSettings.listeningOn(
        endpoint.url(),
        endpoint.listen(),
        CallbackKey.fromFile(endpoint.keyFile(), CallbackSettings.KEY_SETTING),
        null);
  }
}
