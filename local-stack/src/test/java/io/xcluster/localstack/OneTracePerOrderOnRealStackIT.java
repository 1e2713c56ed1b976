package io.xcluster.localstack;

import io.xcluster.localstack.realstack.RealStackTier;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;

/**
 * One trace per order on real servers too (production-like ones with {@code
 * -Dxcluster.stack=postgres}) — where, unlike on the embedded server, the outcome signal keeps its
 * headers, so with NATS even its handling joins the order's trace.
 */
class OneTracePerOrderOnRealStackIT extends OneTracePerOrderTest {

  @BeforeEach
  void needsTheRealBinaries() {
    RealStackTier.assumeToolsInstalled();
  }

  @Override
  StackOptions options(String transport, SimulationSettings simulation) {
    return super.options(transport, simulation)
        .withClusters(
            RealStackTier.clusterKind(),
            Path.of("target", "real-stack", "trace-" + transport + "-" + System.nanoTime()));
  }

  @Override
  boolean serverKeepsSignalHeaders() {
    return true;
  }
}
