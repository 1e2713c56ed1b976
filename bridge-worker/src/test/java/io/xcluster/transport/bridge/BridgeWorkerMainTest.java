package io.xcluster.transport.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BridgeWorkerMainTest {

  @Test
  void malformedAddressIsRejectedNamingTheSetting() {
    Captured run =
        captureStderr(
            () -> BridgeWorkerMain.run("--target-address", "not-an-address", "--http-port", "0"));

    assertEquals(2, run.exitCode());
    assertEquals(
        "bridge-worker: --target-address='not-an-address': cluster eu-west: not of the form host:port",
        run.stderr().strip());
  }

  @Test
  void badDurationNamesTheFlagAndItsVariableAndPointsAtHelp() {
    Captured run = captureStderr(() -> BridgeWorkerMain.run("--connect-timeout", "ten seconds"));

    assertEquals(2, run.exitCode());
    String[] lines = run.stderr().strip().split("\n");
    assertEquals(2, lines.length, run.stderr());
    assertEquals(
        "bridge-worker: --connect-timeout / XCLUSTER_CONNECT_TIMEOUT='ten seconds': not a duration;"
            + " use e.g. 500ms, 10s, 5m, 48h, 7d or ISO-8601 PT10S",
        lines[0]);
    assertEquals("Run 'bridge-worker --help' for every setting.", lines[1]);
  }

  @Test
  void callbackModeWithoutKeyFileStopsStartUpNamingTheSetting() {
    Captured run =
        captureStderr(
            () ->
                BridgeWorkerMain.run(
                    "--outcome-mode",
                    "callback",
                    "--callback-url",
                    "http://127.0.0.1:8092/xcluster/callbacks",
                    "--http-port",
                    "0"));

    assertEquals(2, run.exitCode());
    assertEquals(
        "bridge-worker: --callback-key-file / XCLUSTER_BRIDGE_CALLBACK_KEY_FILE is required for the callback mode:"
            + " a file with the secret all bridge replicas share",
        run.stderr().strip());
  }

  @Test
  void unknownOutcomeModeStopsStartUpNamingTheSetting() {
    Captured run =
        captureStderr(() -> BridgeWorkerMain.run("--outcome-mode", "push", "--http-port", "0"));

    assertEquals(2, run.exitCode());
    assertEquals(
        "bridge-worker: --outcome-mode / XCLUSTER_BRIDGE_OUTCOME_MODE='push': must be callback, heartbeat or auto",
        run.stderr().strip());
  }

  @Test
  void shortCallbackKeyStopsStartUpNamingTheFile(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("key"), "short\n");

    Captured run =
        captureStderr(
            () ->
                BridgeWorkerMain.run(
                    "--callback-url",
                    "http://127.0.0.1:8092/xcluster/callbacks",
                    "--callback-key-file",
                    key.toString(),
                    "--http-port",
                    "0"));

    assertEquals(2, run.exitCode());
    assertEquals(
        "bridge-worker: --callback-key-file / XCLUSTER_BRIDGE_CALLBACK_KEY_FILE='"
            + key
            + "': the callback key must have at least 32 bytes, has 5",
        run.stderr().strip());
  }

  @Test
  void autoModeWithTheCallbackUrlButNoKeyFileStopsStartUpRatherThanFallingBackToHeartbeat() {
    Captured run =
        captureStderr(
            () ->
                BridgeWorkerMain.run(
                    "--callback-url",
                    "http://127.0.0.1:8092/xcluster/callbacks",
                    "--http-port",
                    "0"));

    assertEquals(2, run.exitCode());
    assertEquals(
        "bridge-worker: --callback-key-file / XCLUSTER_BRIDGE_CALLBACK_KEY_FILE is required for the callback mode:"
            + " a file with the secret all bridge replicas share",
        run.stderr().strip());
  }

  @Test
  void autoModeWithTheKeyFileButNoCallbackUrlStopsStartUpNamingTheUrlSetting(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("key"), "k".repeat(48));

    Captured run =
        captureStderr(
            () -> BridgeWorkerMain.run("--callback-key-file", key.toString(), "--http-port", "0"));

    assertEquals(2, run.exitCode());
    assertEquals(
        "bridge-worker: --callback-url / XCLUSTER_BRIDGE_CALLBACK_URL is required for the callback mode:"
            + " the URL the target cluster POSTs outcomes to",
        run.stderr().strip());
  }

  @Test
  void aCallbackCertificateWithoutItsKeyNamesBothFlagsAndTheirVariables(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("key"), "k".repeat(48));

    Captured run =
        captureStderr(
            () ->
                BridgeWorkerMain.run(
                    "--callback-url",
                    "https://127.0.0.1:8092/xcluster/callbacks",
                    "--callback-key-file",
                    key.toString(),
                    "--callback-tls-cert",
                    key.toString(),
                    "--http-port",
                    "0"));

    assertEquals(2, run.exitCode());
    assertEquals(
        "bridge-worker: --callback-tls-cert / XCLUSTER_BRIDGE_CALLBACK_TLS_CERT and"
            + " --callback-tls-key / XCLUSTER_BRIDGE_CALLBACK_TLS_KEY go together: set both or neither",
        run.stderr().strip());
  }

  @Test
  void aDestinationLimitOutOfRangeNamesTheFlagAndItsVariable() {
    Captured run =
        captureStderr(() -> BridgeWorkerMain.run("--max-open-calls", "-1", "--http-port", "0"));

    assertEquals(2, run.exitCode());
    assertEquals(
        "bridge-worker: --max-open-calls / XCLUSTER_MAX_OPEN_CALLS='-1': must be 0 (no cap) or more",
        run.stderr().strip());
  }

  @Test
  void anEmptyTargetClusterStopsStartUpNamingTheSettingWithoutAStackTrace() {
    Captured run =
        captureStderr(() -> BridgeWorkerMain.run("--target-cluster", "", "--http-port", "0"));

    assertEquals(2, run.exitCode());
    assertEquals(
        "bridge-worker: --target-cluster / XCLUSTER_TARGET_CLUSTER='': must not be empty",
        run.stderr().strip());
  }

  @Test
  void anEmptyTargetNamespaceStopsStartUpInsteadOfFallingBackToTheProfile() {
    Captured run =
        captureStderr(() -> BridgeWorkerMain.run("--target-namespace", "", "--http-port", "0"));

    assertEquals(2, run.exitCode());
    assertEquals(
        "bridge-worker: --target-namespace='': cluster eu-west: must not be empty",
        run.stderr().strip());
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
