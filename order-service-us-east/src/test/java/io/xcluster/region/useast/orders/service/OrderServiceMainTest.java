package io.xcluster.region.useast.orders.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.port.spi.CrossClusterTransports;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

  @Test
  void anUnknownTransportListsEveryTransportOnTheClassPath() {
    Captured run = captureStderr("--transport", "kafka", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "order-service-us-east: --transport / XCLUSTER_TRANSPORT='kafka': not a transport on the"
            + " class path; available: bridge, nats",
        run.stderr().strip());
  }

  @Test
  void theConfigurationReferenceListsEveryTransportTheJarOffers() throws Exception {
    String row =
        Files.readAllLines(Path.of("..", "docs", "configuration.md")).stream()
            .filter(line -> line.startsWith("| `--transport` |"))
            .findFirst()
            .orElseThrow();

    for (String transport : CrossClusterTransports.available().keySet()) {
      assertTrue(row.contains("`" + transport + "`"), transport + " missing from: " + row);
    }
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
