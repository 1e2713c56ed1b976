package io.xcluster.localstack.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bad command-line value stops local-stack with one line naming the option and exit 2, before any
 * cluster is started (nothing here starts one: each case would otherwise run for minutes).
 */
class BadOptionsStopBeforeTheStackTest {

  @Test
  void aNonPositiveDemoWaitIsRefused() {
    assertRefused("--wait must be a positive duration", "demo", "--wait", "-PT1S");
  }

  @Test
  void flakinessAndDelayAreNamedByTheirOptionsNotByInternalFields() {
    assertRefused(
        "--warehouse-flakiness must be a share from 0 to 1, was 1.5",
        "demo",
        "--warehouse-flakiness",
        "1.5");
    assertRefused("--warehouse-delay must not be negative", "demo", "--warehouse-delay", "-PT1S");
  }

  @Test
  void portsOutOfRangeAndUnknownTransportsAreNamed() {
    assertRefused("--us-east-port must be a port", "serve", "--us-east-port", "70000");
    assertRefused("--transport pigeon is not a transport", "serve", "--transport", "pigeon");
  }

  @Test
  void aWorkDirThatIsARegularFileIsNamed(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    assertRefused(
        "--work-dir " + file + " is not a directory",
        "serve",
        "--stack",
        "real",
        "--work-dir",
        file.toString());
  }

  @Test
  void aMetricsPortOutOfRangeOrTakenIsNamedBeforeTheStackStarts() throws IOException {
    assertRefused("--metrics-port must be a port", "serve", "--metrics-port", "99999");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertRefused(
          "--metrics-port " + taken.getLocalPort() + ": cannot listen on 127.0.0.1:",
          "serve",
          "--metrics-port",
          String.valueOf(taken.getLocalPort()));
    }
  }

  @Test
  void aValueThatDoesNotParseIsOneLineNamingTheOptionThenTheSubcommandsHelp() {
    assertMalformed(
        "--warehouse-delay='banana': not a duration",
        "demo",
        "demo",
        "--warehouse-delay",
        "banana");
    assertMalformed("Unknown option: '--order'", "demo", "demo", "--order");
    assertMalformed("Unmatched argument at index 0: 'dmeo'", "", "dmeo");
  }

  @Test
  void aDurationTakesTheServicesShortFormToo() {
    assertRefused("--wait must be a positive duration", "demo", "--wait", "0s");
  }

  private static void assertMalformed(String start, String subcommand, String... args) {
    List<String> said = refusal(args);
    assertTrue(said.get(0).startsWith("local-stack: " + start), said.toString());
    String help = subcommand.isEmpty() ? "local-stack" : "local-stack " + subcommand;
    assertEquals(
        List.of("Run '" + help + " --help' for its options."),
        said.subList(1, said.size()),
        said.toString());
  }

  private static void assertRefused(String start, String... args) {
    List<String> said = refusal(args);
    assertTrue(said.get(0).startsWith("local-stack: " + start), said.toString());
    // one line, and no "local-stack: starting ..." step before it
    assertEquals(1, said.size(), said.toString());
  }

  /** What local-stack said on stderr, line by line, having exited 2. */
  private static List<String> refusal(String... args) {
    PrintStream err = System.err;
    PrintStream out = System.out;
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      exit = LocalStackMain.execute(args);
    } finally {
      System.setErr(err);
      System.setOut(out);
    }
    String said = errors.toString(StandardCharsets.UTF_8);
    assertEquals(2, exit, said);
    return said.strip().lines().toList();
  }
}
