package io.xcluster.localstack.realstack;

import io.xcluster.port.contract.ContractClusters;
import io.xcluster.transport.nats.NatsTransportContractTest;

/**
 * The NATS coordinator's whole suite — the transport contract kit plus dead letters, broker
 * restart, redelivery and size limits — on two real Temporal servers.
 */
class NatsContractOnRealServersIT extends NatsTransportContractTest {

  @Override
  protected ContractClusters startClusters() {
    RealStackTier.assumeToolsInstalled();
    return RealStackTier.contractClusters(RealStackTier.workDir("nats-contract"));
  }

  @Override
  protected boolean serverTimesOutAbandonedActivities() {
    return true;
  }
}
