package io.xcluster.transport.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.runtime.launch.CallbackEndpoint;
import io.xcluster.runtime.launch.ProcessLaunch;
import io.xcluster.runtime.launch.TransportLaunch;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BridgeLauncherTest {

  private final TransportLaunch launch =
      TransportLaunch.between(
          ClusterEndpoint.loopback("us-east", 7233), ClusterEndpoint.loopback("eu-west", 7234));

  @Test
  void aLaunchOfferingCallbacksRunsTheBridgeInTheCallbackModeOnThatEndpoint(@TempDir Path dir)
      throws Exception {
    Path key = Files.writeString(dir.resolve("key"), "k".repeat(40));
    CallbackEndpoint endpoint =
        new CallbackEndpoint(
            URI.create("http://127.0.0.1:18092/xcluster/callbacks"), "127.0.0.1:18092", key);

    ProcessLaunch process = new BridgeLauncher().asProcess(launch.withCallbacks(endpoint));

    assertTrue(new BridgeLauncher().acceptsCallbacks());
    assertTrue(
        containsInOrder(
            process.args(),
            "--outcome-mode",
            "callback",
            "--callback-url",
            "http://127.0.0.1:18092/xcluster/callbacks",
            "--callback-listen",
            "127.0.0.1:18092",
            "--callback-key-file",
            key.toString()),
        process.args().toString());
  }

  @Test
  void aLaunchWithoutCallbacksRunsTheHeartbeatModeWhateverTheEnvironmentSays() {
    ProcessLaunch process = new BridgeLauncher().asProcess(launch);

    assertTrue(
        containsInOrder(process.args(), "--outcome-mode", "heartbeat"), process.args().toString());
    assertEquals(-1, process.args().indexOf("--callback-url"));
  }

  private static boolean containsInOrder(List<String> args, String... expected) {
    return java.util.Collections.indexOfSubList(args, List.of(expected)) >= 0;
  }
}
