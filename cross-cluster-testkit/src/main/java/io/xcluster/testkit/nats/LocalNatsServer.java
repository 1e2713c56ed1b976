package io.xcluster.testkit.nats;

import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.testkit.process.SupervisedProcess;
import io.xcluster.testkit.tools.ToolBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntPredicate;
import java.util.stream.Stream;

/**
 * A real {@code nats-server} with JetStream and a file store, on loopback ports, found by {@link
 * ToolBinary#NATS_SERVER} (never downloaded). Ready once its health endpoint reports healthy —
 * JetStream's streams and consumers recovered from the store, after a restart too. Stopping and
 * starting it again keeps the ports and the store: a broker restart, not a new broker.
 *
 * <p>It also accepts leaf-node connections ({@link #leafNodeAddress()}): a {@link #startLeaf leaf}
 * without JetStream, in another region, gives its clients this server's streams.
 */
public final class LocalNatsServer implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /**
   * The JetStream domain of every server started here with JetStream: a leaf node's clients name it
   * to reach the streams across the leaf-node connection (nats-server keeps the plain JetStream API
   * of a leaf's account to itself).
   */
  public static final String JETSTREAM_DOMAIN = "xcluster";

  private final int port;
  private final int leafNodePort;
  private final SupervisedProcess process;
  private final Path throwAwayDir;

  private LocalNatsServer(
      int port, int leafNodePort, SupervisedProcess process, Path throwAwayDir) {
    this.port = port;
    this.leafNodePort = leafNodePort;
    this.process = process;
    this.throwAwayDir = throwAwayDir;
  }

  /**
   * Starts nats-server with its store ({@code jetstream/}) and log ({@code nats-server.log}) kept
   * in {@code workDir}.
   */
  public static LocalNatsServer start(Path workDir) {
    return start(workDir, List.of(), null);
  }

  /**
   * As {@link #start(Path)}, with {@code configLines} added to the server's configuration file
   * (e.g. a {@code tls { ... }} block).
   */
  public static LocalNatsServer start(Path workDir, List<String> configLines) {
    return start(workDir, configLines, null);
  }

  /** A server in a temporary directory that {@link #close()} deletes: for tests. */
  public static LocalNatsServer startThrowAway() {
    return startThrowAway(List.of());
  }

  /** As {@link #startThrowAway()}, with {@code configLines} added (e.g. an authorization block). */
  public static LocalNatsServer startThrowAway(List<String> configLines) {
    try {
      Path dir = Files.createTempDirectory("nats-js-");
      return start(dir, configLines, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether tests can have a nats-server; see {@link ToolBinary#availableForTests()}. */
  public static boolean availableForTests() {
    return ToolBinary.NATS_SERVER.availableForTests();
  }

  private static LocalNatsServer start(Path workDir, List<String> configLines, Path throwAwayDir) {
    int leafNodePort = LoopbackPorts.free();
    List<String> config =
        new ArrayList<>(
            List.of(
                "server_name: xcluster-local",
                "jetstream { store_dir: \""
                    + workDir.resolve("jetstream").toAbsolutePath()
                    + "\", domain: "
                    + JETSTREAM_DOMAIN
                    + " }",
                // no_advertise: a leaf that lost its link must come back through the address it
                // was given (a proxy, the WAN), not through this server's own port, which it
                // would otherwise learn from the hub and dial directly
                "leafnodes { host: 127.0.0.1, port: " + leafNodePort + ", no_advertise: true }"));
    config.addAll(configLines);
    return start(
        workDir, config, throwAwayDir, leafNodePort, monitoring -> healthy(monitoring, ""));
  }

  /**
   * A server without JetStream whose clients use {@code hub}'s streams through a leaf-node
   * connection to {@code hubLeafNodes} (the hub's {@link #leafNodeAddress()}, or a proxy in front
   * of it: the link between two regions). Ready once that connection is up; after a cut it
   * reconnects every second. Its clients name the hub's {@link #JETSTREAM_DOMAIN}. Its files
   * (config, log) are in {@code workDir}.
   */
  public static LocalNatsServer startLeaf(Path workDir, String hubLeafNodes) {
    List<String> config =
        List.of(
            // a name of its own: two servers of one name cannot be linked
            "server_name: xcluster-leaf-" + UUID.randomUUID(),
            "leafnodes { reconnect: 1, remotes: [ { url: \"nats-leaf://"
                + hubLeafNodes
                + "\" } ] }");
    return start(workDir, config, null, 0, LocalNatsServer::leafConnected);
  }

  private static LocalNatsServer start(
      Path workDir,
      List<String> moreConfig,
      Path throwAwayDir,
      int leafNodePort,
      IntPredicate readyAtMonitoringPort) {
    Path binary = ToolBinary.NATS_SERVER.require();
    int port = LoopbackPorts.free();
    int monitoring = LoopbackPorts.free();
    List<String> config =
        new ArrayList<>(
            List.of("host: 127.0.0.1", "port: " + port, "http: \"127.0.0.1:" + monitoring + "\""));
    config.addAll(moreConfig);
    Path configFile = workDir.resolve("nats-server.conf");
    try {
      Files.createDirectories(workDir);
      Files.write(configFile, config);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + configFile + ": " + e.getMessage(), e);
    }
    SupervisedProcess process =
        SupervisedProcess.start(
            "nats-server on 127.0.0.1:" + port,
            List.of(binary.toString(), "-c", configFile.toAbsolutePath().toString()),
            Map.of(),
            workDir.resolve("nats-server.log"),
            started -> readyAtMonitoringPort.test(monitoring),
            Duration.ofSeconds(30));
    return new LocalNatsServer(port, leafNodePort, process, throwAwayDir);
  }

  /** Whether the leaf's connection to its hub is up, per its {@code /leafz}. */
  private static boolean leafConnected(int monitoringPort) {
    return monitoring(monitoringPort, "/leafz")
        .filter(body -> body.replaceAll("\\s", "").contains("\"leafnodes\":1"))
        .isPresent();
  }

  /**
   * Whether the server's {@code /healthz} answers 200, with {@code query} (e.g. {@code
   * "?js-server-only=true"}).
   */
  static boolean healthy(int monitoringPort, String query) {
    return monitoring(monitoringPort, "/healthz" + query).isPresent();
  }

  /** The body of a monitoring endpoint answering 200; empty when it does not (yet). */
  private static java.util.Optional<String> monitoring(int monitoringPort, String path) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitoringPort + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          ? java.util.Optional.of(response.body())
          : java.util.Optional.empty();
    } catch (IOException e) {
      return java.util.Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.Optional.empty();
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  /**
   * The JetStream domain its clients and its leaf nodes' clients name, {@link #JETSTREAM_DOMAIN}.
   */
  public String jetStreamDomain() {
    if (leafNodePort == 0) {
      throw new IllegalStateException("a leaf node runs no JetStream of its own");
    }
    return JETSTREAM_DOMAIN;
  }

  /** Where leaf nodes connect, {@code 127.0.0.1:<port>}; a leaf itself accepts none. */
  public String leafNodeAddress() {
    if (leafNodePort == 0) {
      throw new IllegalStateException("a leaf node accepts no leaf nodes of its own");
    }
    return "127.0.0.1:" + leafNodePort;
  }

  /**
   * Whether a leaf that lost its link comes back only through the address it was given: the server
   * does not advertise its own leaf-node address (nats-server 2.9 does, ignoring {@code
   * no_advertise}; a leaf then reconnects round a proxy that stands in for the WAN). Read off the
   * INFO the leaf-node port greets with.
   */
  public boolean keepsLeafNodesOnTheirLink() {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", leafNodePort), 2_000);
      socket.setSoTimeout(2_000);
      String info =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(
                      socket.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))
              .readLine();
      if (info == null || !info.startsWith("INFO ")) {
        throw new IllegalStateException(
            "no INFO from the leaf-node port " + leafNodeAddress() + ", got: " + info);
      }
      return !info.contains("\"leafnode_urls\"");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the INFO of " + leafNodeAddress(), e);
    }
  }

  /** Stops the broker gently; the store stays for {@link #startAgain()}. */
  public void stop() {
    process.stop();
  }

  public void startAgain() {
    process.startAgain();
  }

  @Override
  public void close() {
    process.stop();
    if (throwAwayDir != null) {
      try (Stream<Path> files = Files.walk(throwAwayDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + throwAwayDir, e);
      }
    }
  }
}
