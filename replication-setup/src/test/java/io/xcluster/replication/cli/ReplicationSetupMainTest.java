package io.xcluster.replication.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * The CLI's answers to bad input, without any cluster: one line on stderr and the documented exit
 * code.
 */
class ReplicationSetupMainTest {

  @Test
  void namespaceCreateWithoutGlobalSaysWhyAndExits2() {
    CliRun run =
        cli(
            "namespace",
            "create",
            "--address",
            "127.0.0.1:7233",
            "--namespace",
            "orders",
            "--active",
            "a",
            "--clusters",
            "a,b");
    assertEquals(2, run.exit());
    assertEquals(
        "replication-setup: --global is required: this tool creates replicated namespaces only",
        run.err().strip());
  }

  @Test
  void retentionBelowADayIsRefusedBeforeAnyConnection() {
    CliRun run =
        cli(
            "namespace",
            "create",
            "--global",
            "--address",
            "127.0.0.1:1",
            "--namespace",
            "orders",
            "--active",
            "a",
            "--clusters",
            "a,b",
            "--retention",
            "PT23H");
    assertEquals(2, run.exit());
    assertEquals(
        "replication-setup: --retention PT23H is below the 24 h minimum for global namespaces (e.g. --retention P1D)",
        run.err().strip());
  }

  @Test
  void anActiveClusterOutsideTheClusterListIsNamed() {
    CliRun run =
        cli(
            "namespace",
            "create",
            "--global",
            "--address",
            "127.0.0.1:1",
            "--namespace",
            "orders",
            "--active",
            "c",
            "--clusters",
            "a,b");
    assertEquals(2, run.exit());
    assertEquals(
        "replication-setup: --active c is not one of --clusters [a, b]", run.err().strip());
  }

  @Test
  void anUnreachableClusterIsOneLineAndExit3() throws Exception {
    int dead;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      dead = socket.getLocalPort();
    }
    CliRun run =
        cli(
            "status",
            "--cluster-a",
            "127.0.0.1:" + dead,
            "--cluster-b",
            "127.0.0.1:" + dead,
            "--connect-timeout",
            "PT1S");
    assertEquals(3, run.exit());
    assertTrue(
        run.err()
            .strip()
            .startsWith(
                "replication-setup: cannot reach 127.0.0.1:" + dead + " to describe the cluster"),
        run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
  }

  @Test
  void aMalformedAddressIsNamed() {
    CliRun run = cli("failover", "--address", "localhost", "--namespace", "orders", "--to", "b");
    assertEquals(2, run.exit());
    assertEquals(
        "replication-setup: cluster address 'localhost' is not of the form host:port",
        run.err().strip());
  }

  @Test
  void helpListsEverySubcommand() {
    CliRun run = cli("--help");
    assertEquals(0, run.exit());
    for (String subcommand : new String[] {"link", "namespace", "status", "failover", "drill"}) {
      assertTrue(run.out().contains(subcommand), run.out());
    }
  }

  private static CliRun cli(String... args) {
    return CliRun.of(args);
  }
}
