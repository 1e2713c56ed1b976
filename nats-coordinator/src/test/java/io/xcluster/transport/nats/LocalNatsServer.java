package io.xcluster.transport.nats;

import io.nats.NatsServerRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real {@code nats-server} with JetStream on a free loopback port and a throw-away store
 * directory, for tests and the local stack. Finds the binary via {@code nats_server_path}, PATH,
 * or Debian's /usr/sbin; it never downloads one.
 */
public final class LocalNatsServer implements AutoCloseable {

  private static final Path DEBIAN_BINARY = Path.of("/usr/sbin/nats-server");

  private final Path storeDir;
  private NatsServerRunner runner;
  private Integer port;

  public LocalNatsServer() {
    try {
      storeDir = Files.createTempDirectory("nats-js-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    start();
  }

  /** Whether a nats-server binary can be found; tests that need one skip (or, in CI, fail) without it. */
  public static boolean binaryAvailable() {
    if (System.getenv("nats_server_path") != null || Files.isExecutable(DEBIAN_BINARY)) {
      return true;
    }
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(java.io.File.pathSeparator)).anyMatch(dir -> Files.isExecutable(Path.of(dir, "nats-server")));
  }

  /**
   * For tests that need a nats-server: whether one is available, so they can skip without it —
   * except where {@code XCLUSTER_REQUIRE_NATS=true} (CI), where a missing binary is an error.
   */
  public static boolean availableForTests() {
    boolean available = binaryAvailable();
    if (!available && "true".equals(System.getenv("XCLUSTER_REQUIRE_NATS"))) {
      throw new IllegalStateException("XCLUSTER_REQUIRE_NATS=true but no nats-server binary was found on PATH or in /usr/sbin");
    }
    return available;
  }

  private void start() {
    try {
      NatsServerRunner.Builder builder =
          NatsServerRunner.builder()
              .jetstream(true)
              .port(port)
              .customArgs(List.of("--addr", "127.0.0.1", "--store_dir", storeDir.toString()));
      if (System.getenv("nats_server_path") == null && Files.isExecutable(DEBIAN_BINARY)) {
        builder.executablePath(DEBIAN_BINARY);
      }
      runner = builder.build();
      port = runner.getPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start nats-server (install it: apt-get install nats-server): " + e.getMessage(), e);
    }
  }

  public String url() {
    return "nats://127.0.0.1:" + port;
  }

  /** Stops the server; {@link #startAgain()} brings it back on the same port with the same JetStream store. */
  public void stop() throws Exception {
    runner.close();
  }

  public void startAgain() {
    start();
  }

  @Override
  public void close() throws Exception {
    runner.close();
    try (Stream<Path> files = Files.walk(storeDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
