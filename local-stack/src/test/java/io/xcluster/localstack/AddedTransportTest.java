package io.xcluster.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.localstack.cli.LocalStackMain;
import io.xcluster.testkit.cli.ConsoleRun;
import org.junit.jupiter.api.Test;

/**
 * The last step of docs/adding-a-transport.md: a transport added in a module of its own (here
 * {@code test-transport-direct}, listed in the parent pom and, being for tests only, in this
 * module's pom rather than the order service's, and nowhere else) is one of the demo's choices and
 * carries its orders.
 */
class AddedTransportTest {

  @Test
  void theDemoOffersTheAddedTransport() {
    ConsoleRun help = ConsoleRun.of(() -> LocalStackMain.execute("demo", "--help"));

    assertEquals(0, help.exit(), help.err());
    assertTrue(help.out().replaceAll("\\s+", " ").contains("bridge, direct, nats"), help.out());
  }

  @Test
  void theDemoRunsOnTheAddedTransport() {
    ConsoleRun demo =
        ConsoleRun.of(
            () ->
                LocalStackMain.execute(
                    "demo",
                    "--us-east-port",
                    "0",
                    "--eu-west-port",
                    "0",
                    "--transport",
                    "direct",
                    "--orders",
                    "3"));

    assertEquals(0, demo.exit(), demo.out() + demo.err());
    assertTrue(demo.err().contains("transport up: direct"), demo.err());
  }
}
