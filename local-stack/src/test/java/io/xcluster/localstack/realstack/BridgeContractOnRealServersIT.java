package io.xcluster.localstack.realstack;

import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.TransportContractTest;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.transport.bridge.BridgeSettings;
import io.xcluster.transport.bridge.BridgeTransport;
import io.xcluster.transport.bridge.BridgeWorker;
import java.time.Duration;

/** The bridge passes the transport contract kit on two real Temporal servers, as it does on embedded ones. */
class BridgeContractOnRealServersIT extends TransportContractTest {

  @Override
  protected ContractClusters startClusters() {
    RealStackTier.assumeToolsInstalled();
    return RealStackTier.contractClusters(RealStackTier.workDir("bridge-contract"));
  }

  @Override
  protected boolean serverTimesOutAbandonedActivities() {
    return true;
  }

  @Override
  protected RunningTransport startTransport(ClusterEndpoint source, ClusterEndpoint target) {
    BridgeWorker bridge = BridgeWorker.start(new BridgeSettings(source, target, null, Duration.ofMillis(100), null));
    return bridge::kill;
  }

  @Override
  protected CallRoute route() {
    return new BridgeTransport().routeTo("eu-west").withHeartbeatTimeout(Duration.ofSeconds(2));
  }
}
