package io.xcluster.localstack.stack;

import io.xcluster.localstack.stack.postgres.ProductionLikeClusters;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.runtime.lifecycle.StopSequence;
import io.xcluster.testkit.nats.LocalNatsServer;
import io.xcluster.testkit.temporal.EmbeddedTemporalServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The two independent clusters of the stack, us-east and eu-west, and — on real servers — the NATS
 * broker beside them. Embedded or real, the rest of the stack sees only two endpoints.
 */
public final class StackClusters implements AutoCloseable {

  /** What a run leaves in its working directory; nothing else there is touched. */
  private static final List<String> RUN_FILES =
      List.of(
          "us-east.db",
          "eu-west.db",
          "jetstream",
          "us-east-temporal.log",
          "eu-west-temporal.log",
          "nats-server.log",
          "transport-",
          "postgres",
          "tls",
          "temporal-profiles.toml",
          "callback-key",
          "us-east-server",
          "eu-west-server");

  private final StopSequence stopOrder =
      new StopSequence(problem -> System.err.println("local-stack: " + problem));
  private final ClusterKind kind;
  private final Path workDir;
  private ClusterEndpoint usEast;
  private ClusterEndpoint euWest;
  private TemporalDevServer usEastServer;
  private TemporalDevServer euWestServer;
  private ProductionLikeClusters productionLike;

  private StackClusters(ClusterKind kind, Path workDir) {
    this.kind = kind;
    this.workDir = workDir;
  }

  /** Starts both clusters as {@code options} says; on failure stops what was started. */
  public static StackClusters start(StackOptions options) {
    StackClusters clusters = new StackClusters(options.clusters(), options.workDir());
    try {
      if (options.clusters() == ClusterKind.REAL) {
        clusters.startReal(options);
      } else if (options.clusters() == ClusterKind.POSTGRES) {
        clusters.startProductionLike(options);
      } else {
        clusters.startEmbedded(options);
      }
      return clusters;
    } catch (RuntimeException e) {
      clusters.close();
      throw e;
    }
  }

  private void startEmbedded(StackOptions options) {
    EmbeddedTemporalServer usEastServer = EmbeddedTemporalServer.start(options.usEastPort());
    stopOrder.add(usEastServer);
    EmbeddedTemporalServer euWestServer = EmbeddedTemporalServer.start(options.euWestPort());
    stopOrder.add(euWestServer);
    usEast = ClusterEndpoint.loopback(LocalStack.US_EAST, usEastServer.port());
    euWest = ClusterEndpoint.loopback(LocalStack.EU_WEST, euWestServer.port());
  }

  private void startReal(StackOptions options) {
    forgetPreviousRun(workDir);
    usEastServer = TemporalDevServer.start(LocalStack.US_EAST, options.usEastPort(), workDir);
    stopOrder.add(usEastServer);
    euWestServer = TemporalDevServer.start(LocalStack.EU_WEST, options.euWestPort(), workDir);
    stopOrder.add(euWestServer);
    usEast = usEastServer.endpoint();
    euWest = euWestServer.endpoint();
  }

  private void startProductionLike(StackOptions options) {
    forgetPreviousRun(workDir);
    productionLike =
        ProductionLikeClusters.start(
            LocalStack.US_EAST,
            options.usEastPort(),
            LocalStack.EU_WEST,
            options.euWestPort(),
            workDir);
    stopOrder.add(productionLike);
    usEast = productionLike.first().endpoint();
    euWest = productionLike.second().endpoint();
  }

  /**
   * The production-like clusters (PostgreSQL, mTLS), their certificates and profile file; {@code
   * --stack postgres} only.
   */
  public ProductionLikeClusters productionLike() {
    if (productionLike == null) {
      throw new IllegalStateException(
          "this stack runs on "
              + kind.name().toLowerCase()
              + " clusters, not the production-like ones (--stack postgres)");
    }
    return productionLike;
  }

  /**
   * A local stack starts empty: the previous run's databases, broker store and logs go (only
   * those).
   */
  private static void forgetPreviousRun(Path workDir) {
    try {
      Files.createDirectories(workDir);
      try (Stream<Path> files = Files.list(workDir)) {
        for (Path file : files.toList()) {
          String name = file.getFileName().toString();
          if (RUN_FILES.stream().anyMatch(name::startsWith)) {
            deleteRecursively(file);
          }
        }
      }
    } catch (IOException e) {
      // the user's --work-dir, not a bug: one line naming the option (IllegalArgumentException)
      throw new IllegalArgumentException(
          "--work-dir " + workDir + ": cannot prepare the stack's working directory: " + e, e);
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    try (Stream<Path> tree = Files.walk(path)) {
      for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Starts a nats-server beside real clusters, in the same working directory. */
  LocalNatsServer startJetStream() {
    LocalNatsServer server = LocalNatsServer.start(workDir);
    stopOrder.add(server);
    return server;
  }

  public ClusterKind kind() {
    return kind;
  }

  public ClusterEndpoint usEast() {
    return usEast;
  }

  public ClusterEndpoint euWest() {
    return euWest;
  }

  /**
   * The eu-west server process, to stop and restart it (server processes only: real or
   * production-like clusters).
   */
  public SupervisedServer euWestServer() {
    return serverProcess(euWestServer, productionLike == null ? null : productionLike.second());
  }

  /** The us-east server process (server processes only). */
  public SupervisedServer usEastServer() {
    return serverProcess(usEastServer, productionLike == null ? null : productionLike.first());
  }

  private SupervisedServer serverProcess(SupervisedServer devServer, SupervisedServer full) {
    SupervisedServer server = devServer != null ? devServer : full;
    if (server == null) {
      throw new IllegalStateException(
          "the clusters run in-process on embedded servers; only real or production-like clusters"
              + " are processes that can be measured, stopped and restarted");
    }
    return server;
  }

  public Path workDir() {
    return workDir;
  }

  @Override
  public void close() {
    stopOrder.close();
  }
}
