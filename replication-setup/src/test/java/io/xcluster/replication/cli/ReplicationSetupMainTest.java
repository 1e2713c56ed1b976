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
        "replication-setup: --address 'localhost' is not of the form host:port (or [IPv6]:port)",
        run.err().strip());
  }

  @Test
  void aPortOutOfRangeIsNamedByItsOptionAndExits2() {
    CliRun run = cli("status", "--cluster-a", "127.0.0.1:7233", "--cluster-b", "127.0.0.1:99999");
    assertEquals(2, run.exit(), run.err());
    assertEquals(
        "replication-setup: --cluster-b '127.0.0.1:99999': port 99999 is outside 1-65535",
        run.err().strip());
  }

  @Test
  void aBracketedIpv6AddressIsAcceptedAndTried() throws Exception {
    int dead;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      dead = socket.getLocalPort();
    }
    CliRun run =
        cli(
            "failover",
            "--address",
            "[::1]:" + dead,
            "--namespace",
            "orders",
            "--to",
            "b",
            "--connect-timeout",
            "PT1S");
    // tried and not reached (3), not refused as malformed (2)
    assertEquals(3, run.exit(), run.err());
    assertTrue(run.err().contains("[::1]:" + dead), run.err());
  }

  @Test
  void nonPositiveDurationsAreRefusedByOptionBeforeAnyConnection() {
    String[][] cases = {
      {"link", "--cluster-a", "127.0.0.1:1", "--cluster-b", "127.0.0.1:2", "--wait", "-PT5S"},
      {
        "status",
        "--cluster-a",
        "127.0.0.1:1",
        "--cluster-b",
        "127.0.0.1:2",
        "--connect-timeout",
        "-PT5S"
      },
      {
        "drill",
        "--cluster-a",
        "127.0.0.1:1",
        "--cluster-b",
        "127.0.0.1:2",
        "--phase-timeout",
        "PT0S"
      },
    };
    String[] options = {"--wait", "--connect-timeout", "--phase-timeout"};
    for (int i = 0; i < cases.length; i++) {
      CliRun run = cli(cases[i]);
      // port 1 and 2 are not connected to: exit 2 and the option, not 3
      assertEquals(2, run.exit(), run.err());
      assertTrue(
          run.err().startsWith("replication-setup: " + options[i] + " must be a positive duration"),
          run.err());
      assertEquals(1, run.err().strip().lines().count(), run.err());
    }
  }

  @Test
  void theDrillRefusesOneClusterAsBothAAndB() {
    CliRun run = cli("drill", "--cluster-a", "127.0.0.1:7233", "--cluster-b", "127.0.0.1:7233");
    assertEquals(2, run.exit(), run.err());
    assertEquals(
        "replication-setup: --cluster-a and --cluster-b are the same address (127.0.0.1:7233):"
            + " the drill fails over from one cluster to another",
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
