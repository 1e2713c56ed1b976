package io.xcluster.testkit.tools;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a real binary (a Temporal server, nats-server, Jaeger) is found, in this order: its own
 * environment variable, PATH, the fixed places given, then the cache {@code
 * scripts/install-tools.sh} builds into ({@code $XCLUSTER_TOOLS}, default {@code
 * ~/.cache/xcluster-tools}). Nothing is ever downloaded.
 *
 * <p>Tests that need a tool skip without it, except where {@value #REQUIRED_SETTING}{@code =true}
 * (CI): there a missing tool fails them, so no tier is skipped silently.
 *
 * @param command the executable's name on PATH
 * @param environmentVariable the variable that names the binary explicitly
 * @param cachedPath the binary's path inside the tool cache
 * @param installArgument what to pass to {@code scripts/install-tools.sh} to get it
 * @param fixedPaths further places to look (e.g. Debian's /usr/sbin)
 */
public record ToolBinary(
    String command,
    String environmentVariable,
    String cachedPath,
    String installArgument,
    List<Path> fixedPaths) {

  /** The one switch that turns "skipped for want of a binary" into a failure. */
  public static final String REQUIRED_SETTING = "XCLUSTER_REQUIRE_TOOLS";

  public static final ToolBinary TEMPORAL_CLI =
      new ToolBinary(
          "temporal", "XCLUSTER_TEMPORAL", "temporal-cli-v1.5.1/temporal", "temporal", List.of());
  public static final ToolBinary TEMPORAL_SERVER =
      new ToolBinary(
          "temporal-server",
          "XCLUSTER_TEMPORAL_SERVER",
          "temporal-server-v1.29.1/temporal-server",
          "temporal-server",
          List.of());
  public static final ToolBinary NATS_SERVER =
      new ToolBinary(
          "nats-server",
          "XCLUSTER_NATS_SERVER",
          "nats-server/nats-server",
          "nats",
          List.of(Path.of("/usr/sbin/nats-server")));

  /**
   * nats-server 2.10+ for the 3-node JetStream cluster (Debian's 2.9 lacks what it needs); named
   * apart from {@link #NATS_SERVER} so that PATH's older one is never taken for it.
   */
  public static final ToolBinary NATS_CLUSTER_SERVER =
      new ToolBinary(
          "nats-server-v2.15.2",
          "XCLUSTER_NATS_CLUSTER_SERVER",
          "nats-server-v2.15.2/nats-server",
          "nats-cluster",
          List.of());

  /** Toxiproxy's server: the WAN between the regions, on loopback. */
  public static final ToolBinary TOXIPROXY =
      new ToolBinary(
          "toxiproxy-server",
          "XCLUSTER_TOXIPROXY",
          "toxiproxy-v2.5.0/toxiproxy-server",
          "toxiproxy",
          List.of());

  public static final ToolBinary JAEGER =
      new ToolBinary("jaeger", "XCLUSTER_JAEGER", "jaeger-v1.76.0/jaeger", "jaeger", List.of());

  public static final ToolBinary PROMETHEUS =
      new ToolBinary(
          "prometheus",
          "XCLUSTER_PROMETHEUS",
          "prometheus-debian/usr/bin/prometheus",
          "prometheus",
          List.of());
  public static final ToolBinary PROMTOOL =
      new ToolBinary(
          "promtool",
          "XCLUSTER_PROMTOOL",
          "prometheus-debian/usr/bin/promtool",
          "prometheus",
          List.of());

  public ToolBinary {
    fixedPaths = List.copyOf(fixedPaths);
  }

  public Optional<Path> find() {
    String configured = System.getenv(environmentVariable);
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured));
    }
    String path = System.getenv().getOrDefault("PATH", "");
    Stream<Path> onPath =
        Stream.of(path.split(File.pathSeparator))
            .filter(d -> !d.isBlank())
            .map(dir -> Path.of(dir, command));
    Path cached =
        Path.of(
            System.getenv()
                .getOrDefault(
                    "XCLUSTER_TOOLS", System.getProperty("user.home") + "/.cache/xcluster-tools"),
            cachedPath);
    return Stream.of(onPath, fixedPaths.stream(), Stream.of(cached))
        .flatMap(s -> s)
        .filter(Files::isExecutable)
        .findFirst();
  }

  public boolean isInstalled() {
    return find().isPresent();
  }

  /** The binary, or one clear error saying how to get it. */
  public Path require() {
    return find().orElseThrow(() -> new IllegalStateException(missing()));
  }

  /**
   * For tests that need the tool: whether it is there, so they can skip without it — except where
   * {@value #REQUIRED_SETTING}{@code =true}, where a missing tool is an error.
   */
  public boolean availableForTests() {
    boolean available = isInstalled();
    if (!available && "true".equals(System.getenv(REQUIRED_SETTING))) {
      throw new IllegalStateException(REQUIRED_SETTING + "=true but " + missing());
    }
    return available;
  }

  /** Why a test that needs this tool was skipped. */
  public String skipReason() {
    return missing();
  }

  private String missing() {
    return "no "
        + command
        + " binary: run scripts/install-tools.sh "
        + installArgument
        + ", put "
        + command
        + " on PATH, or set "
        + environmentVariable;
  }
}
