package io.xcluster.transport.bridge;

import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.runtime.launch.TransportLaunch;
import io.xcluster.testkit.contract.TransportContractTest;
import java.time.Duration;

/** The worker bridge passes the transport contract kit, unweakened. */
class BridgeTransportContractTest extends TransportContractTest {

  @Override
  protected RunningTransport startTransport(ClusterEndpoint source, ClusterEndpoint target) {
    // through the launch seam, as the stacks start it
    return new BridgeLauncher()
            .startInProcess(TransportLaunch.between(source, target).withQuickRecovery())
        ::kill;
  }

  @Override
  protected CallRoute route() {
    return new BridgeTransport().routeTo("eu-west").withHeartbeatTimeout(Duration.ofSeconds(2));
  }
}
