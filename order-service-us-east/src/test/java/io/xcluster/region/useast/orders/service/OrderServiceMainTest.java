package io.xcluster.region.useast.orders.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Empty settings stop start-up in one line naming the setting, never with a stack trace. */
class OrderServiceMainTest {

  @Test
  void anEmptyTargetNamespaceStopsStartUpNamingTheSetting() {
    Captured run = captureStderr("--target-namespace", "", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "order-service-us-east: --target-namespace / XCLUSTER_TARGET_NAMESPACE='': must not be empty",
        run.stderr().strip());
  }

  @Test
  void anEmptyClusterStopsStartUpNamingTheSetting() {
    Captured run = captureStderr("--cluster", " ", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "order-service-us-east: --cluster / XCLUSTER_CLUSTER=' ': must not be empty",
        run.stderr().strip());
  }

  @Test
  void anEmptyTargetClusterStopsStartUpNamingTheSettingNotTheTransport() {
    Captured run = captureStderr("--target-cluster", "", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "order-service-us-east: --target-cluster / XCLUSTER_TARGET_CLUSTER='': must not be empty",
        run.stderr().strip());
  }

  private record Captured(int exitCode, String stderr) {}

  private static Captured captureStderr(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      int code = new OrderServiceMain().execute(args);
      return new Captured(code, buffer.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }
}
