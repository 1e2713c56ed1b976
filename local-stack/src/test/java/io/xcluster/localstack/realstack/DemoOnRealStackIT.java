package io.xcluster.localstack.realstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.localstack.cli.LocalStackMain;
import io.xcluster.localstack.stack.ClusterKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The demo, as a user runs it with {@code --stack real}, for each transport: every order ends as
 * expected.
 */
class DemoOnRealStackIT {

  @ParameterizedTest
  @ValueSource(strings = {"bridge", "nats"})
  void demoOnRealServersEndsEveryOrderAsExpected(String transport) {
    RealStackTier.assumeToolsInstalled();
    Path workDir = RealStackTier.workDir("demo-" + transport);
    PrintStream console = System.out;
    ByteArrayOutputStream report = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(report, true, StandardCharsets.UTF_8));
      exit =
          LocalStackMain.execute(
              "demo",
              "--stack",
              RealStackTier.clusterKind() == ClusterKind.POSTGRES ? "postgres" : "real",
              "--transport",
              transport,
              "--work-dir",
              workDir.toString(),
              "--us-east-port",
              "0",
              "--eu-west-port",
              "0",
              "--orders",
              "20",
              "--with-failures");
    } finally {
      System.setOut(console);
    }
    String printed = report.toString(StandardCharsets.UTF_8);
    console.print(printed);
    assertEquals(0, exit, printed);
    assertTrue(
        printed.contains("20 orders: {COMPLETED=16, FAILED=4}")
            && printed.contains("all as expected"),
        printed);
  }
}
