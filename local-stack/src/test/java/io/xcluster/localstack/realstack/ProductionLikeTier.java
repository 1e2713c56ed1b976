package io.xcluster.localstack.realstack;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.postgres.PostgresInstallation;
import io.xcluster.localstack.stack.postgres.ProductionLikeClusters;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.tools.ToolBinary;
import java.nio.file.Path;

/**
 * The real-stack tier on the production-like stack: full Temporal servers on PostgreSQL with
 * several history shards and mTLS frontends. Selected with {@code -Dxcluster.stack=postgres} (the
 * tier runs on {@code start-dev} servers otherwise), e.g. {@code ./mvnw verify -Preal-stack -pl
 * local-stack -Dxcluster.stack=postgres}.
 */
final class ProductionLikeTier {

  static final String SELECTOR = "xcluster.stack";

  private ProductionLikeTier() {}

  static boolean selected() {
    return "postgres".equalsIgnoreCase(System.getProperty(SELECTOR, ""));
  }

  /** Skips without the binaries — fails instead where missing tools are errors (CI). */
  static void assumeToolsInstalled() {
    assumeTrue(
        ToolBinary.TEMPORAL_SERVER.availableForTests()
            && ProductionLikeClusters.SCHEMA_TOOL.availableForTests()
            && PostgresInstallation.availableForTests()
            && ToolBinary.NATS_SERVER.availableForTests(),
        "the production-like stack needs temporal-server, temporal-sql-tool, PostgreSQL and nats-server:"
            + " run scripts/install-tools.sh temporal-server postgres nats");
  }

  /**
   * Two production-like clusters as the contract kit's source and target; their endpoints carry the
   * run's client certificate.
   */
  static ContractClusters contractClusters(Path workDir) {
    ProductionLikeClusters clusters =
        ProductionLikeClusters.start(LocalStack.US_EAST, 0, LocalStack.EU_WEST, 0, workDir);
    return new ContractClusters(
        clusters.first().endpoint(), clusters.second().endpoint(), clusters::close);
  }
}
