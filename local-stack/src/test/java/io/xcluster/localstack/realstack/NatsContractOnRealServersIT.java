package io.xcluster.localstack.realstack;

import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.ContractRemoteWorkflow;
import io.xcluster.testkit.contract.TransportContractTest;
import io.xcluster.testkit.nats.LocalNatsServer;
import io.xcluster.transport.nats.NatsCoordinator;
import io.xcluster.transport.nats.NatsSettings;
import io.xcluster.transport.nats.NatsTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;

/**
 * The NATS coordinator passes the transport contract kit on two real Temporal servers and a real
 * nats-server. (Its broker-only cases — dead letters, broker restart, redelivery — run in its own
 * module on embedded clusters; the fault drills restart the broker on real servers.)
 */
class NatsContractOnRealServersIT extends TransportContractTest {

  private Path workDir;
  private LocalNatsServer nats;

  @Override
  protected ContractClusters startClusters() {
    RealStackTier.assumeToolsInstalled();
    workDir = RealStackTier.workDir("nats-contract");
    return RealStackTier.contractClusters(workDir);
  }

  @Override
  protected boolean serverTimesOutAbandonedActivities() {
    return true;
  }

  @Override
  protected RunningTransport startTransport(ClusterEndpoint source, ClusterEndpoint target) {
    if (nats == null) {
      nats = LocalNatsServer.start(workDir);
    }
    // a short ack wait, so that calls held by a killed relay are redelivered within seconds
    NatsSettings settings = NatsSettings.defaults(nats.url()).withAckWait(Duration.ofSeconds(2))
        .allowing(Set.of(ContractRemoteWorkflow.TYPE));
    return NatsCoordinator.startBothSides(settings, source, target)::kill;
  }

  @Override
  protected CallRoute route() {
    return new NatsTransport().routeTo("eu-west").withHeartbeatTimeout(Duration.ofSeconds(5));
  }

  @AfterAll
  void stopNats() {
    if (nats != null) {
      nats.close();
    }
  }
}
