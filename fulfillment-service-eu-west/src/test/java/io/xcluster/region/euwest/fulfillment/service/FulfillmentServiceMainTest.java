package io.xcluster.region.euwest.fulfillment.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Empty settings stop start-up in one line naming the setting, never with a stack trace. */
class FulfillmentServiceMainTest {

  @Test
  void anEmptyClusterStopsStartUpNamingTheSetting() {
    Captured run = captureStderr("--cluster", "", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "fulfillment-service-eu-west: --cluster / XCLUSTER_CLUSTER='': must not be empty",
        run.stderr().strip());
  }

  @Test
  void anEmptyTaskQueueStopsStartUpNamingTheSetting() {
    Captured run = captureStderr("--task-queue", "", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "fulfillment-service-eu-west: --task-queue / XCLUSTER_TASK_QUEUE='': must not be empty",
        run.stderr().strip());
  }

  @Test
  void anEmptyHttpHostStopsStartUpInsteadOfBindingEveryInterface() {
    Captured run = captureStderr("--http-host", "", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "fulfillment-service-eu-west: --http-host / XCLUSTER_HTTP_HOST='': must not be empty",
        run.stderr().strip());
  }

  private record Captured(int exitCode, String stderr) {}

  private static Captured captureStderr(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      int code = new FulfillmentServiceMain().execute(args);
      return new Captured(code, buffer.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }
}
