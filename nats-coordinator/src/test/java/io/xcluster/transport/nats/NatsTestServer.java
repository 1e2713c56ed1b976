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
 * directory. Finds the binary via {@code nats_server_path}, PATH, or Debian's /usr/sbin.
 */
final class NatsTestServer implements AutoCloseable {

  private final NatsServerRunner runner;
  private final Path storeDir;

  NatsTestServer() {
    try {
      storeDir = Files.createTempDirectory("nats-js-");
      NatsServerRunner.Builder builder =
          NatsServerRunner.builder()
              .jetstream(true)
              .customArgs(List.of("--addr", "127.0.0.1", "--store_dir", storeDir.toString()));
      Path debian = Path.of("/usr/sbin/nats-server");
      if (System.getenv("nats_server_path") == null && Files.isExecutable(debian)) {
        builder.executablePath(debian);
      }
      runner = builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start nats-server (install it: apt-get install nats-server): " + e.getMessage(), e);
    }
  }

  String url() {
    return "nats://127.0.0.1:" + runner.getPort();
  }

  @Override
  public void close() throws Exception {
    runner.close();
    try (Stream<Path> files = Files.walk(storeDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
