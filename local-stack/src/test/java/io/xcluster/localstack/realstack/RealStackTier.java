package io.xcluster.localstack.realstack;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xcluster.localstack.stack.ClusterKind;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.TemporalDevServer;
import io.xcluster.runtime.lifecycle.StopSequence;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.tools.ToolBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the real-stack tests share: the tool check, a working directory per test, real clusters for
 * the contract kit.
 */
public final class RealStackTier {

  private RealStackTier() {}

  /**
   * Skips the test when the real binaries are missing — fails it instead under {@code
   * XCLUSTER_REQUIRE_REAL_STACK=true}, as CI sets.
   */
  public static void assumeToolsInstalled() {
    if (ProductionLikeTier.selected()) {
      ProductionLikeTier.assumeToolsInstalled();
      return;
    }
    assumeTrue(
        ToolBinary.TEMPORAL_CLI.availableForTests() && ToolBinary.NATS_SERVER.availableForTests(),
        "the real-stack tier needs temporal and nats-server: run scripts/install-tools.sh temporal nats");
  }

  /** The clusters the tier's stacks run on: start-dev, or production-like when selected. */
  public static ClusterKind clusterKind() {
    return ProductionLikeTier.selected() ? ClusterKind.POSTGRES : ClusterKind.REAL;
  }

  /**
   * A fresh directory under target/real-stack for one test's databases, stores and logs (kept for
   * post-mortems).
   */
  static Path workDir(String name) {
    try {
      return Files.createDirectories(
          Path.of("target", "real-stack", name + "-" + System.currentTimeMillis()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Two real Temporal servers as the contract kit's source and target clusters (production-like
   * ones when selected).
   */
  static ContractClusters contractClusters(Path workDir) {
    if (ProductionLikeTier.selected()) {
      return ProductionLikeTier.contractClusters(workDir);
    }
    StopSequence servers =
        new StopSequence(problem -> System.err.println("real-stack: " + problem));
    try {
      TemporalDevServer source = TemporalDevServer.start(LocalStack.US_EAST, 0, workDir);
      servers.add(source);
      TemporalDevServer target = TemporalDevServer.start(LocalStack.EU_WEST, 0, workDir);
      servers.add(target);
      return new ContractClusters(source.endpoint(), target.endpoint(), servers::close);
    } catch (RuntimeException e) {
      servers.close();
      throw e;
    }
  }
}
