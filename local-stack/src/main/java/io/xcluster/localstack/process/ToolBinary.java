package io.xcluster.localstack.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a tool of the real stack is found, in this order: its environment variable, PATH, the
 * fixed places given, then the cache {@code scripts/install-tools.sh} builds into
 * ({@code $XCLUSTER_TOOLS}, default {@code ~/.cache/xcluster-tools}). Nothing is ever downloaded.
 *
 * @param command the executable's name on PATH
 * @param environmentVariable the variable that names the binary explicitly
 * @param cachedPath the binary's path inside the tool cache
 * @param installArgument what to pass to {@code scripts/install-tools.sh} to get it
 * @param fixedPaths further places to look (e.g. Debian's /usr/sbin)
 */
public record ToolBinary(String command, String environmentVariable, String cachedPath, String installArgument, List<Path> fixedPaths) {

  public static final ToolBinary TEMPORAL_CLI =
      new ToolBinary("temporal", "XCLUSTER_TEMPORAL", "temporal-cli-v1.5.1/temporal", "temporal", List.of());
  public static final ToolBinary TEMPORAL_SERVER =
      new ToolBinary("temporal-server", "XCLUSTER_TEMPORAL_SERVER", "temporal-server-v1.29.1/temporal-server", "temporal-server", List.of());
  public static final ToolBinary NATS_SERVER =
      new ToolBinary("nats-server", "XCLUSTER_NATS_SERVER", "nats-server/nats-server", "nats", List.of(Path.of("/usr/sbin/nats-server")));
  public static final ToolBinary JAEGER =
      new ToolBinary("jaeger", "XCLUSTER_JAEGER", "jaeger-v1.76.0/jaeger", "jaeger", List.of());

  public Optional<Path> find() {
    String configured = System.getenv(environmentVariable);
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured));
    }
    String path = System.getenv().getOrDefault("PATH", "");
    Stream<Path> onPath = Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isBlank()).map(dir -> Path.of(dir, command));
    Path cached = Path.of(System.getenv().getOrDefault("XCLUSTER_TOOLS", System.getProperty("user.home") + "/.cache/xcluster-tools"), cachedPath);
    return Stream.of(onPath, fixedPaths.stream(), Stream.of(cached)).flatMap(s -> s).filter(Files::isExecutable).findFirst();
  }

  /** The binary, or one clear error saying how to get it. */
  public Path require() {
    return find().orElseThrow(() -> new IllegalStateException(
        "no " + command + " binary: run scripts/install-tools.sh " + installArgument + ", put " + command
            + " on PATH, or set " + environmentVariable));
  }

  /**
   * For tests of the real-stack tier: whether the tool is there. Without it they are skipped —
   * except where {@code XCLUSTER_REQUIRE_REAL_STACK=true} (CI), where a missing tool fails them.
   */
  public boolean availableForTests() {
    boolean available = find().isPresent();
    if (!available && "true".equals(System.getenv("XCLUSTER_REQUIRE_REAL_STACK"))) {
      throw new IllegalStateException("XCLUSTER_REQUIRE_REAL_STACK=true but " + require());
    }
    return available;
  }
}
