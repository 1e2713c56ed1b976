package io.xcluster.transport.bridge;

import io.xcluster.runtime.cli.TwoClusterOptions;
import io.xcluster.runtime.launch.CallbackEndpoint;
import io.xcluster.runtime.launch.ProcessLaunch;
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
    BridgeWorker bridge = BridgeWorker.start(settings, launch.tracing());
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
    return new ProcessLaunch(BridgeWorkerMain.class.getName(), args, "bridge polling");
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
