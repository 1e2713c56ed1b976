package io.xcluster.replication.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code target/replication-setup.jar} is the operator's tool: it runs with {@code java -jar} alone
 * (no other jar of this project), answers {@code --help} and {@code --version}, and refuses bad
 * input with one line. Runs after {@code package} (failsafe), against the jar as shipped.
 */
class ReplicationSetupJarIT {

  private static final Path JAR = Path.of("target", "replication-setup.jar").toAbsolutePath();

  private record Run(int exit, String out, String err) {}

  @BeforeAll
  static void theJarWasBuilt() {
    assertTrue(
        Files.isRegularFile(JAR),
        JAR + " is missing: the package phase builds it (./mvnw -pl replication-setup verify)");
  }

  @Test
  void helpListsEveryCommand() throws Exception {
    Run run = java("--help");

    assertEquals(0, run.exit(), run.err());
    for (String command :
        List.of("link", "namespace", "status", "failover", "drill", "--version")) {
      assertTrue(
          run.out().contains(command), "--help does not mention " + command + ":\n" + run.out());
    }
    assertEquals("", run.err(), "nothing on stderr: no logging set-up noise");
  }

  @Test
  void versionNamesTheToolAndTheBuild() throws Exception {
    Run run = java("--version");

    assertEquals(0, run.exit(), run.err());
    String version = run.out().strip();
    assertTrue(
        version.matches("replication-setup \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?, Java .+"), version);
  }

  @Test
  void anUnknownOptionIsNamedWithAPointerToHelpAndExit2() throws Exception {
    Run run =
        java(
            "status",
            "--cluster-a",
            "127.0.0.1:7233",
            "--cluster-b",
            "127.0.0.1:7234",
            "--namepsace",
            "orders");

    assertEquals(2, run.exit(), run.out() + run.err());
    assertEquals(
        List.of(
            "replication-setup: Unknown options: '--namepsace', 'orders'",
            "Run 'replication-setup status --help' for its options."),
        run.err().strip().lines().toList());
    assertEquals("", run.out());
  }

  @Test
  void aMalformedAddressIsRefusedWithoutAStackTrace() throws Exception {
    Run run = java("status", "--cluster-a", "localhost", "--cluster-b", "127.0.0.1:7234");

    assertEquals(2, run.exit(), run.out() + run.err());
    assertEquals(
        "replication-setup: --cluster-a 'localhost' is not of the form host:port (or [IPv6]:port)",
        run.err().strip());
  }

  private static Run java(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-jar",
                JAR.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("replication-setup", ".out");
    Path err = Files.createTempFile("replication-setup", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
      }
      return new Run(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
