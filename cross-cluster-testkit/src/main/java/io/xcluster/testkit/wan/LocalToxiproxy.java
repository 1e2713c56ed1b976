package io.xcluster.testkit.wan;

import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.testkit.process.SupervisedProcess;
import io.xcluster.testkit.tools.ToolBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real Toxiproxy server on loopback ({@link ToolBinary#TOXIPROXY}, never downloaded), driven
 * through its HTTP API: each {@link Link} is a TCP proxy whose traffic can be delayed, held in one
 * direction or cut. The JDK's HTTP client speaks the handful of calls this needs, so no client
 * library is added for it.
 */
public final class LocalToxiproxy implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final int apiPort;
  private final SupervisedProcess process;

  private LocalToxiproxy(int apiPort, SupervisedProcess process) {
    this.apiPort = apiPort;
    this.process = process;
  }

  /** Whether tests can have Toxiproxy; see {@link ToolBinary#availableForTests()}. */
  public static boolean availableForTests() {
    return ToolBinary.TOXIPROXY.availableForTests();
  }

  /** Starts the server, logging to {@code toxiproxy.log} in {@code workDir}. */
  public static LocalToxiproxy start(Path workDir) {
    Path binary = ToolBinary.TOXIPROXY.require();
    int port = LoopbackPorts.free();
    SupervisedProcess process =
        SupervisedProcess.start(
            "toxiproxy on 127.0.0.1:" + port,
            List.of(binary.toString(), "-host", "127.0.0.1", "-port", String.valueOf(port)),
            Map.of(),
            workDir.resolve("toxiproxy.log"),
            started -> answers(port),
            Duration.ofSeconds(20));
    return new LocalToxiproxy(port, process);
  }

  /**
   * A new link: a proxy listening on a free loopback port and forwarding to {@code upstream}
   * (host:port). Traffic from the proxy's clients to {@code upstream} is "upstream" in Toxiproxy's
   * terms, the answers "downstream".
   */
  public Link link(String name, String upstream) {
    String listen = "127.0.0.1:" + LoopbackPorts.free();
    send(
        "POST",
        "/proxies",
        "{\"name\":\""
            + name
            + "\",\"listen\":\""
            + listen
            + "\",\"upstream\":\""
            + upstream
            + "\",\"enabled\":true}");
    return new Link(name, listen, upstream);
  }

  /** One TCP proxy between the regions. */
  public final class Link {
    private final String name;
    private final String listen;
    private volatile String upstream;

    private Link(String name, String listen, String upstream) {
      this.name = name;
      this.listen = listen;
      this.upstream = upstream;
    }

    public String name() {
      return name;
    }

    /** Where the link's clients connect instead of {@link #upstream()}: 127.0.0.1:port. */
    public String listen() {
      return listen;
    }

    public String upstream() {
      return upstream;
    }

    /**
     * Delays each direction by {@code oneWay} ± {@code jitter}, replacing any delay set before;
     * zero removes it.
     */
    public void delay(Duration oneWay, Duration jitter) {
      for (String stream : List.of("upstream", "downstream")) {
        String toxic = "delay-" + stream;
        removeToxic(toxic);
        if (!oneWay.isZero()) {
          addToxic(
              toxic,
              "latency",
              stream,
              "{\"latency\":" + oneWay.toMillis() + ",\"jitter\":" + jitter.toMillis() + "}");
        }
      }
    }

    /**
     * Drops every byte sent in one direction ({@code "upstream"}: from the link's clients; {@code
     * "downstream"}: their answers) until {@link #release(String)}: Toxiproxy's {@code timeout}
     * toxic with a timeout of 0 discards what arrives and keeps the connections open, while the
     * other direction flows. Nothing sent meanwhile is delivered later.
     */
    public void hold(String stream) {
      addToxic("hold-" + stream, "timeout", stream, "{\"timeout\":0}");
    }

    /** Ends {@link #hold(String)}; Toxiproxy then closes the link's open connections. */
    public void release(String stream) {
      removeToxic("hold-" + stream);
    }

    /** Cuts the link: open connections are closed and new ones refused, both ways. */
    public void cut() {
      send("POST", "/proxies/" + name, "{\"enabled\":false}");
    }

    /**
     * Sends the link's traffic to {@code newUpstream} from now on, as a DNS name or load balancer
     * moved to another cluster would: Toxiproxy closes the connections open to the old one.
     */
    public void redirect(String newUpstream) {
      send("POST", "/proxies/" + name, "{\"upstream\":\"" + newUpstream + "\"}");
      upstream = newUpstream;
    }

    /** Accepts connections again after {@link #cut()}. */
    public void restore() {
      send("POST", "/proxies/" + name, "{\"enabled\":true}");
    }

    private void addToxic(String toxic, String type, String stream, String attributes) {
      send(
          "POST",
          "/proxies/" + name + "/toxics",
          "{\"name\":\""
              + toxic
              + "\",\"type\":\""
              + type
              + "\",\"stream\":\""
              + stream
              + "\",\"toxicity\":1.0,\"attributes\":"
              + attributes
              + "}");
    }

    private void removeToxic(String toxic) {
      sendAllowingMissing("DELETE", "/proxies/" + name + "/toxics/" + toxic);
    }
  }

  private void send(String method, String path, String body) {
    send(method, path, body, false);
  }

  private void sendAllowingMissing(String method, String path) {
    send(method, path, null, true);
  }

  private void send(String method, String path, String body, boolean missingIsFine) {
    HttpResponse<String> response = request(method, path, body);
    boolean fine =
        response.statusCode() / 100 == 2 || (missingIsFine && response.statusCode() == 404);
    if (!fine) {
      throw new IllegalStateException(
          "Toxiproxy refused "
              + method
              + " "
              + path
              + ": "
              + response.statusCode()
              + " "
              + response.body());
    }
  }

  private HttpResponse<String> request(String method, String path, String body) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
              .timeout(Duration.ofSeconds(5))
              .header("Content-Type", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach Toxiproxy's API on port " + apiPort, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while talking to Toxiproxy", e);
    }
  }

  private static boolean answers(int port) {
    try {
      return HTTP.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/version"))
                      .timeout(Duration.ofSeconds(1))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    process.stop();
  }
}
