package io.xcluster.transport.bridge;

import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.testkit.contract.TransportContractTest;
import io.xcluster.port.spi.CallRoute;
import java.time.Duration;

/** The worker bridge passes the transport contract kit, unweakened. */
class BridgeTransportContractTest extends TransportContractTest {

  @Override
  protected RunningTransport startTransport(ClusterEndpoint source, ClusterEndpoint target) {
    BridgeWorker bridge =
        BridgeWorker.start(new BridgeSettings(source, target, null, Duration.ofMillis(100), null));
    return bridge::kill;
  }

  @Override
  protected CallRoute route() {
    return new BridgeTransport().routeTo("eu-west").withHeartbeatTimeout(Duration.ofSeconds(2));
  }
}
