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
import java.util.stream.Stream;

/**
 * A real {@code nats-server} with JetStream and a file store, on loopback ports, found by {@link
 * ToolBinary#NATS_SERVER} (never downloaded). Ready once its health endpoint reports healthy —
 * JetStream's streams and consumers recovered from the store, after a restart too. Stopping and
 * starting it again keeps the port and the store: a broker restart, not a new broker.
 */
public final class LocalNatsServer implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final int port;
  private final SupervisedProcess process;
  private final Path throwAwayDir;

  private LocalNatsServer(int port, SupervisedProcess process, Path throwAwayDir) {
    this.port = port;
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
    Path binary = ToolBinary.NATS_SERVER.require();
    int port = LoopbackPorts.free();
    int monitoring = LoopbackPorts.free();
    List<String> config =
        new ArrayList<>(
            List.of(
                "host: 127.0.0.1",
                "port: " + port,
                "http: \"127.0.0.1:" + monitoring + "\"",
                "server_name: xcluster-local",
                "jetstream { store_dir: \""
                    + workDir.resolve("jetstream").toAbsolutePath()
                    + "\" }"));
    config.addAll(configLines);
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
            started -> healthy(monitoring, ""),
            Duration.ofSeconds(30));
    return new LocalNatsServer(port, process, throwAwayDir);
  }

  /**
   * Whether the server's {@code /healthz} answers 200, with {@code query} (e.g. {@code
   * "?js-server-only=true"}).
   */
  static boolean healthy(int monitoringPort, String query) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + monitoringPort + "/healthz" + query))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "nats://127.0.0.1:" + port;
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
