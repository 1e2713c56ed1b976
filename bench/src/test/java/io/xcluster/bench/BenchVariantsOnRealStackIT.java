package io.xcluster.bench;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.testkit.tools.ToolBinary;
import io.xcluster.transport.bridge.BridgeTransport;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The benchmark's variants — the Nexus peer included — work on real servers too. */
class BenchVariantsOnRealStackIT {

  @Test
  void childNexusAndBridgeProbesEachReturnATrackingNumberOnRealServers() throws Exception {
    assumeTrue(
        ToolBinary.TEMPORAL_CLI.availableForTests(),
        "needs the Temporal CLI: scripts/install-tools.sh temporal");
    BenchVariantsTest.assertEveryVariantFulfils(
        new StackOptions(
                0, 0, BridgeTransport.NAME, Duration.ofHours(48), SimulationSettings.INSTANT)
            .onRealServers(
                Path.of("target", "real-stack", "bench-variants-" + System.currentTimeMillis())));
  }
}
