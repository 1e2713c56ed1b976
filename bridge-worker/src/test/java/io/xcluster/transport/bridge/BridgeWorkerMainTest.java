package io.xcluster.transport.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.port.contract.EmbeddedTemporalServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BridgeWorkerMainTest {

  @Test
  void unreachableTargetClusterExitsWithOneLineNamingTheAddress() throws Exception {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = socket.getLocalPort();
    }
    try (EmbeddedTemporalServer usEast = EmbeddedTemporalServer.start(0)) {
      String[] args = {
        "--source-address", usEast.address(), "--target-address", "127.0.0.1:" + deadPort, "--connect-timeout", "PT1S"
      };

      Captured run = captureStderr(() -> BridgeWorkerMain.run(args));

      assertEquals(BridgeWorkerMain.EXIT_UNREACHABLE, run.exitCode());
      String[] lines = run.stderr().strip().split("\n");
      assertEquals(1, lines.length, run.stderr());
      assertTrue(lines[0].startsWith("bridge-worker: cannot reach the eu-west Temporal frontend at 127.0.0.1:" + deadPort),
          lines[0]);
    }
  }

  @Test
  void malformedAddressIsRejectedNamingTheSetting() {
    Captured run = captureStderr(() -> BridgeWorkerMain.run("--target-address", "not-an-address"));

    assertEquals(2, run.exitCode());
    assertTrue(run.stderr().contains("address 'not-an-address' is not of the form host:port"), run.stderr());
  }

  private record Captured(int exitCode, String stderr) {}

  private static Captured captureStderr(java.util.function.IntSupplier body) {
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      int code = body.getAsInt();
      return new Captured(code, buffer.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }
}
