package io.xcluster.localstack;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.testkit.tools.ToolBinary;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;

/**
 * One trace per order on real servers too — where, unlike on the embedded server, the outcome
 * signal keeps its headers, so with NATS even its handling joins the order's trace.
 */
class OneTracePerOrderOnRealStackIT extends OneTracePerOrderTest {

  @BeforeEach
  void needsTheRealBinaries() {
    assumeTrue(
        ToolBinary.TEMPORAL_CLI.availableForTests() && ToolBinary.NATS_SERVER.availableForTests(),
        "the real-stack tier needs temporal and nats-server: run scripts/install-tools.sh temporal nats");
  }

  @Override
  StackOptions options(String transport, SimulationSettings simulation) {
    return super.options(transport, simulation)
        .onRealServers(
            Path.of("target", "real-stack", "trace-" + transport + "-" + System.nanoTime()));
  }

  @Override
  boolean serverKeepsSignalHeaders() {
    return true;
  }
}
