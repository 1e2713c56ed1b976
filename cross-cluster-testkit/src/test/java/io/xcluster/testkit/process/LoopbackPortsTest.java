package io.xcluster.testkit.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoopbackPortsTest {

  @Test
  void freePortsLieBelowTheKernelsEphemeralRangeAndAreNeverHandedOutTwice() throws Exception {
    int ephemeralStart = LoopbackPorts.ephemeralRangeStart();
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int port = LoopbackPorts.free();
      assertTrue(port < ephemeralStart, port + " is inside the ephemeral range");
      assertTrue(seen.add(port), port + " was handed out twice");
    }
    int port = LoopbackPorts.free();
    try (ServerSocket listening = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertTrue(LoopbackPorts.accepting(port));
    }
    assertFalse(LoopbackPorts.accepting(port));
  }

  @Test
  void aGoPanicIsQuotedInTheStartUpFailure() {
    assertEquals(
        ": panic: listen tcp 127.0.0.1:9: bind: address already in use",
        SupervisedProcess.lastWords(
            "starting\npanic: listen tcp 127.0.0.1:9: bind: address already in use\n\ngoroutine 1"));
    assertEquals(
        ": level=ERROR msg=late",
        SupervisedProcess.lastWords("error early\nlevel=ERROR msg=late\n"));
    assertEquals("", SupervisedProcess.lastWords("all fine\n"));
  }

  @Test
  void aProgramThatFindsItsPortTakenSaysSoAndCanBeStartedOnFreshPorts(@TempDir Path dir) {
    IllegalStateException failure =
        assertThrows(
            IllegalStateException.class,
            () ->
                SupervisedProcess.start(
                    "fake server",
                    List.of(
                        "sh",
                        "-c",
                        "echo 'listen tcp 127.0.0.1:1: bind: address already in use'; exit 2"),
                    Map.of(),
                    dir.resolve("fake.log"),
                    started -> false,
                    Duration.ofSeconds(10)));
    assertInstanceOf(PortTakenAtStartException.class, failure);

    IllegalStateException other =
        assertThrows(
            IllegalStateException.class,
            () ->
                SupervisedProcess.start(
                    "broken server",
                    List.of("sh", "-c", "echo 'bad config'; exit 3"),
                    Map.of(),
                    dir.resolve("broken.log"),
                    started -> false,
                    Duration.ofSeconds(10)));
    assertFalse(other instanceof PortTakenAtStartException);
    assertTrue(other.getMessage().contains("code 3"), other.getMessage());
    assertTrue(failure.getMessage().contains("bind: address already in use"), failure.getMessage());
    assertEquals(IllegalStateException.class, other.getClass());
  }
}
