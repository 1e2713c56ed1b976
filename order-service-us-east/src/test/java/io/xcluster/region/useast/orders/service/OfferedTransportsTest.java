package io.xcluster.region.useast.orders.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.port.spi.CrossClusterTransports;
import io.xcluster.runtime.launch.TransportLauncher;
import io.xcluster.runtime.launch.TransportLaunchers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The service jar (and its container image) offers production transports only: a transport kept to
 * test the seam ({@code forProduction() == false}, a thread per open call) belongs on the stacks'
 * class path, never on this module's runtime class path. These tests see that class path plus the
 * test-scoped dependencies, none of which is a transport.
 */
class OfferedTransportsTest {

  @Test
  void theProductionJarOffersNoTestOnlyTransport() {
    assertEquals(
        CrossClusterTransports.available().keySet(),
        TransportLaunchers.available().keySet(),
        "each transport the service can select comes with the launcher that says whether it is for"
            + " production");
    List<String> testOnly =
        TransportLaunchers.available().values().stream()
            .filter(launcher -> !launcher.forProduction())
            .map(TransportLauncher::name)
            .toList();
    assertEquals(
        List.of(),
        testOnly,
        "test-only transports on order-service-us-east's runtime class path: depend on them from"
            + " local-stack (or at test scope) instead");
  }

  @Test
  void theTestOnlyTransportIsRefusedLikeAnyUnknownName() {
    // the timeout is refused after the transport: a jar that offers the transport stops there
    // rather than serving until it is stopped
    Run direct = run("--transport", "direct", "--fulfillment-timeout", "PT0S", "--http-port", "0");
    Run unknown = run("--transport", "kafka", "--fulfillment-timeout", "PT0S", "--http-port", "0");

    assertEquals(2, direct.exit(), direct.printed());
    assertEquals(
        "order-service-us-east: --transport / XCLUSTER_TRANSPORT='direct': not a transport on the"
            + " class path; available: "
            + String.join(", ", CrossClusterTransports.available().keySet()),
        direct.printed().strip());
    assertEquals(unknown.exit(), direct.exit());
    assertEquals(unknown.printed().replace("'kafka'", "'direct'"), direct.printed());
  }

  @Test
  void theHelpListsTheTransportsTheJarOffers() {
    Run run = run("--help");
    String help = run.printed().replaceAll("\\s+", " ");

    assertEquals(0, run.exit(), help);
    assertTrue(
        help.contains(
            "by name, one of: "
                + String.join(", ", CrossClusterTransports.available().keySet())
                + ";"),
        help);
  }

  private record Run(int exit, String printed) {}

  /** The service's exit code and what it printed (stdout and stderr) before it returned. */
  private static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream captured = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    System.setOut(captured);
    System.setErr(captured);
    int code;
    try {
      code = new OrderServiceMain().execute(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Run(code, buffer.toString(StandardCharsets.UTF_8));
  }
}
