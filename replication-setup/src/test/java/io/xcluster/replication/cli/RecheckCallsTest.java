package io.xcluster.replication.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code recheck-calls} against a stand-in for a transport's HTTP port (the true system edge). */
class RecheckCallsTest {

  private HttpServer transport;
  private final List<String> asked = new CopyOnWriteArrayList<>();
  private volatile int status = 200;

  @BeforeEach
  void startTransport() throws IOException {
    transport = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    transport.createContext(
        "/",
        exchange -> {
          asked.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
          boolean post = exchange.getRequestMethod().equals("POST");
          byte[] body =
              (status != 200
                      ? "{\"title\":\"Not found\"}"
                      : post
                          ? "{\"request\":1}"
                          : "{\"completed\":1,\"summary\":\"3 open calls re-checked: 1 without"
                              + " their remote run\"}")
                  .getBytes(StandardCharsets.UTF_8);
          int answer = status == 200 && post ? 202 : status;
          exchange.sendResponseHeaders(answer, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    transport.start();
  }

  @AfterEach
  void stopTransport() {
    transport.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + transport.getAddress().getPort();
  }

  @Test
  void eachTransportIsAskedWithAPostAndItsSummaryPrinted() {
    CliRun run = CliRun.of("recheck-calls", "--transport", url() + "/," + url());

    assertEquals(0, run.exit(), run.err());
    assertEquals(
        List.of(
            "POST /calls/recheck",
            "GET /calls/recheck",
            "POST /calls/recheck",
            "GET /calls/recheck"),
        asked);
    assertTrue(
        run.out().contains(url() + ": 3 open calls re-checked: 1 without their remote run"),
        run.out());
  }

  @Test
  void aPortThatIsNotATransportIsNamedAndExits1() {
    status = 404;
    CliRun run = CliRun.of("recheck-calls", "--transport", url());

    assertEquals(1, run.exit());
    assertTrue(
        run.err().contains(url() + "/calls/recheck answered 404 (is it the HTTP port of a bridge"),
        run.err());
  }

  @Test
  void anUnreachableTransportExits3() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    CliRun run = CliRun.of("recheck-calls", "--transport", "http://127.0.0.1:" + closed);

    assertEquals(3, run.exit());
    assertTrue(
        run.err()
            .startsWith(
                "replication-setup: cannot reach the transport at http://127.0.0.1:"
                    + closed
                    + "/calls/recheck"),
        run.err());
  }

  @Test
  void anAddressThatIsNotAnHttpUrlIsRefusedBeforeAnyCall() {
    CliRun run = CliRun.of("recheck-calls", "--transport", "127.0.0.1:8082");

    assertEquals(2, run.exit());
    assertEquals(
        "replication-setup: --transport 127.0.0.1:8082 is not an http(s) URL (e.g. http://127.0.0.1:8082)",
        run.err().strip());
    assertTrue(asked.isEmpty());
  }

  @Test
  void anUnreachableTransportDoesNotKeepTheOthersFromBeingAsked() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    CliRun run =
        CliRun.of("recheck-calls", "--transport", "http://127.0.0.1:" + closed + "," + url());

    assertEquals(3, run.exit(), run.err());
    assertEquals(List.of("POST /calls/recheck", "GET /calls/recheck"), asked);
    assertTrue(run.out().contains(url() + ": 3 open calls re-checked"), run.out());
    assertTrue(
        run.err().contains("cannot reach the transport at http://127.0.0.1:" + closed), run.err());
    assertTrue(run.err().contains("1 of 2 transports did not finish the re-check"), run.err());
  }

  @Test
  void aMalformedUrlAfterAGoodOneIsRefusedBeforeAnyTransportIsAsked() {
    CliRun run = CliRun.of("recheck-calls", "--transport", url() + ",127.0.0.1:8082");

    assertEquals(2, run.exit());
    assertEquals(
        "replication-setup: --transport 127.0.0.1:8082 is not an http(s) URL (e.g. http://127.0.0.1:8082)",
        run.err().strip());
    assertTrue(asked.isEmpty(), asked.toString());
  }
}
