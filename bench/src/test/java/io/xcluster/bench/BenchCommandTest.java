package io.xcluster.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A bad or contradictory setting stops the benchmark with one line naming the option and exit 2,
 * before any stack is started (none of these cases starts one).
 */
class BenchCommandTest {

  @Test
  void stackOptionsOutOfRangeOrUnknownAreNamed() {
    assertRefused("--us-east-port must be a port", "--us-east-port", "70000");
    assertRefused(
        "--warehouse-flakiness must be a share from 0 to 1", "--warehouse-flakiness", "2");
    assertRefused("--transport pigeon is not a transport", "--transport", "pigeon");
  }

  @Test
  void aReportOrChartIntoAMissingDirectoryIsRefusedUpFront(@TempDir Path dir) {
    Path missing = dir.resolve("missing");
    assertRefused(
        "--report " + missing.resolve("bench.md") + ": directory " + missing + " does not exist",
        "--report",
        missing.resolve("bench.md").toString());
    assertRefused(
        "--chart " + missing.resolve("bench.png") + ": directory " + missing + " does not exist",
        "--chart",
        missing.resolve("bench.png").toString());
  }

  @Test
  void contradictoryModesAreNamedTogether() {
    assertRefused(
        "--metrics-overhead, --wan are separate runs",
        "--metrics-overhead",
        "--wan",
        "0,80",
        "--interactions",
        "5");
    assertRefused(
        "--limits-overhead, --metrics-overhead are separate runs",
        "--limits-overhead",
        "--metrics-overhead");
    assertRefused(
        "--interactions, --nats-deployments are separate runs",
        "--interactions",
        "5",
        "--nats-deployments");
  }

  @Test
  void warehouseOptionsAreRefusedWhereTheRunUsesAWarehouseOfItsOwn() {
    assertRefused(
        "--warehouse-delay and --warehouse-flakiness apply only to", "--warehouse-delay", "PT1S");
    assertRefused(
        "--warehouse-delay and --warehouse-flakiness apply only to",
        "--wan",
        "0,80",
        "--warehouse-flakiness",
        "0.2");
  }

  @Test
  void anOverheadRunKeepsTheWarehouseOptionsInItsReproduceLine() {
    BenchCommand command = new BenchCommand();
    new CommandLine(command)
        .parseArgs(
            "--metrics-overhead", "--warehouse-delay", "PT0.2S", "--warehouse-flakiness", "0.1");

    command.checkedSettings();

    String reproduce = command.commandLine();
    assertTrue(reproduce.contains(" --warehouse-delay PT0.2S"), reproduce);
    assertTrue(reproduce.contains(" --warehouse-flakiness 0.1"), reproduce);
  }

  @Test
  void aNumberOutOfRangeNamesItsOwnOptionNotEveryRule() {
    assertRefused("--samples must be ≥ 1, was 0", "--samples", "0");
    assertRefused("--in-flight must be ≥ 0, was -1", "--in-flight", "-1");
    assertRefused("--concurrency levels must each be ≥ 1, were [1, 0]", "--concurrency", "1,0");
    assertRefused("--hold-window must be positive, was PT0S", "--hold-window", "0s");
  }

  @Test
  void aValueThatDoesNotParseIsOneLineNamingTheOptionThenWhereHelpIs() {
    assertMalformed(
        "--stack='nope': not a stack; use embedded, real or postgres", "--stack", "nope");
    assertMalformed("--hold-window='soon': not a duration", "--hold-window", "soon");
    assertMalformed("Unknown option: '--sample'", "--sample");
  }

  private static void assertMalformed(String start, String... args) {
    List<String> said = refusal(args);
    assertTrue(said.get(0).startsWith("bench: " + start), said.toString());
    assertEquals(
        List.of("Run 'bench --help' for its options."),
        said.subList(1, said.size()),
        said.toString());
  }

  private static void assertRefused(String start, String... args) {
    List<String> said = refusal(args);
    assertTrue(said.get(0).startsWith("bench: " + start), said.toString());
    assertEquals(1, said.size(), said.toString());
  }

  /** What the benchmark said on stderr, line by line, having exited 2. */
  private static List<String> refusal(String... args) {
    PrintStream err = System.err;
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
      exit = BenchMain.execute(args);
    } finally {
      System.setErr(err);
    }
    String said = errors.toString(StandardCharsets.UTF_8);
    assertEquals(2, exit, said);
    return said.strip().lines().toList();
  }
}
