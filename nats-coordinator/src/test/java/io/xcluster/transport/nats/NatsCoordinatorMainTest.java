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
            + " NATS stream replicas must be 1 to 5 (JetStream's limit), was 7",
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
