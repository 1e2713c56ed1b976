package io.xcluster.testkit.wan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A link of a real Toxiproxy in front of a real HTTP server: delayed, held one way, cut. */
class LocalToxiproxyTest {

  private LocalToxiproxy toxiproxy;
  private HttpServer upstream;
  private LocalToxiproxy.Link link;

  @BeforeEach
  void start() throws IOException {
    Assumptions.assumeTrue(LocalToxiproxy.availableForTests(), "no Toxiproxy");
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          byte[] body = "pong".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    toxiproxy = LocalToxiproxy.start(Files.createTempDirectory("toxiproxy-"));
    link = toxiproxy.link("test", "127.0.0.1:" + upstream.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    if (toxiproxy != null) {
      toxiproxy.close();
    }
    if (upstream != null) {
      upstream.stop(0);
    }
  }

  @Test
  void aDelayedLinkAddsItsRoundTripToEveryRequest() throws Exception {
    assertEquals("pong", get(Duration.ofSeconds(2)));

    link.delay(Duration.ofMillis(150), Duration.ZERO);
    long started = System.nanoTime();
    assertEquals("pong", get(Duration.ofSeconds(5)));
    long tookMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();

    assertTrue(tookMillis >= 300, "150 ms each way, a request took " + tookMillis + " ms");
  }

  @Test
  void aLinkHeldOneWayAnswersNothingUntilReleasedAndACutLinkRefusesUntilRestored()
      throws Exception {
    link.hold("upstream");
    assertThrows(HttpTimeoutException.class, () -> get(Duration.ofMillis(800)));
    link.release("upstream");
    assertEquals("pong", get(Duration.ofSeconds(2)));

    link.cut();
    assertThrows(IOException.class, () -> get(Duration.ofSeconds(2)));
    link.restore();
    assertEquals("pong", get(Duration.ofSeconds(2)));
  }

  /** A GET through the link on a fresh connection. */
  private String get(Duration timeout) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    return client
        .send(
            HttpRequest.newBuilder(URI.create("http://" + link.listen() + "/"))
                .timeout(timeout)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
