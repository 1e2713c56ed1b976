package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Settings the coordinator refuses stop start-up in one line naming the setting. */
class NatsCoordinatorMainTest {

  @Test
  void streamReplicasBeyondJetStreamsLimitStopStartUpNamingTheSetting() {
    Captured run = captureStderr("--stream-replicas", "7", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "nats-coordinator: --stream-replicas / XCLUSTER_NATS_STREAM_REPLICAS='7':"
            + " NATS stream replicas must be 1 to 5 (JetStream's limit), or 0 to keep what each"
            + " stream has, was 7",
        run.stderr().strip());
  }

  @Test
  void streamReplicasThatAreNoNumberStopStartUpNamingTheSetting() {
    Captured run = captureStderr("--stream-replicas", "three", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "nats-coordinator: --stream-replicas / XCLUSTER_NATS_STREAM_REPLICAS='three': not a whole number",
        run.stderr().strip());
  }

  @Test
  void printedPermissionsLetTheCallingSidePublishCallsButNoOutcome() {
    java.io.PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int code;
    try {
      code =
          new NatsCoordinatorMain()
              .execute("--print-nats-permissions", "--side", "calling", "--http-port", "0");
    } finally {
      System.setOut(original);
    }

    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code);
    assertEquals(1, printed.strip().lines().count(), printed);
    org.junit.jupiter.api.Assertions.assertTrue(
        printed.startsWith("{user: \"us-east-calling\", password: $CALLING_PASSWORD,"), printed);
    org.junit.jupiter.api.Assertions.assertTrue(
        printed.contains("\"xcluster.calls.eu-west\""), printed);
    org.junit.jupiter.api.Assertions.assertFalse(printed.contains("xcluster.results."), printed);
    org.junit.jupiter.api.Assertions.assertTrue(
        printed.endsWith("subscribe: {allow: [\"_INBOX_us-east-calling.>\"]}}}\n"), printed);
  }

  @Test
  void aServerErrorIsLoggedOncePerDistinctMessage() {
    NatsServerErrors errors = new NatsServerErrors();

    errors.errorOccurred(null, "Permissions Violation for Publish to \"xcluster.results.us-east\"");
    errors.errorOccurred(null, "Permissions Violation for Publish to \"xcluster.results.us-east\"");
    errors.errorOccurred(null, "Permissions Violation for Publish to \"xcluster.calls.eu-west\"");

    assertEquals(2, errors.logged());
  }

  private record Captured(int exitCode, String stderr) {}

  private static Captured captureStderr(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      int code = new NatsCoordinatorMain().execute(args);
      return new Captured(code, buffer.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }
}
