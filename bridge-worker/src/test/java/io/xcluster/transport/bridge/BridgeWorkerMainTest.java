package io.xcluster.transport.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BridgeWorkerMainTest {

  @Test
  void malformedAddressIsRejectedNamingTheSetting() {
    Captured run = captureStderr(() -> BridgeWorkerMain.run("--target-address", "not-an-address", "--http-port", "0"));

    assertEquals(2, run.exitCode());
    assertEquals("bridge-worker: --target-address='not-an-address': cluster eu-west: not of the form host:port", run.stderr().strip());
  }

  @Test
  void badDurationNamesTheFlagAndPointsAtHelp() {
    Captured run = captureStderr(() -> BridgeWorkerMain.run("--connect-timeout", "ten seconds"));

    assertEquals(2, run.exitCode());
    String[] lines = run.stderr().strip().split("\n");
    assertEquals(2, lines.length, run.stderr());
    assertEquals("bridge-worker: Invalid value for option '--connect-timeout': 'ten seconds' is not a duration;"
        + " use e.g. 500ms, 10s, 5m, 48h, 7d or ISO-8601 PT10S", lines[0]);
    assertEquals("Run 'bridge-worker --help' for every setting.", lines[1]);
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
