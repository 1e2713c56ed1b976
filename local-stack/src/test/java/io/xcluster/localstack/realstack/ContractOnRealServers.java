package io.xcluster.localstack.realstack;

import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CrossClusterTransports;
import io.xcluster.runtime.launch.TransportLaunch;
import io.xcluster.runtime.launch.TransportLauncher;
import io.xcluster.runtime.launch.TransportLaunchers;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.ContractRemoteWorkflow;
import io.xcluster.testkit.contract.TransportContractTest;
import io.xcluster.testkit.nats.LocalNatsServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;

/**
 * A transport, started through its launcher as the stacks start it, passes the contract kit on two
 * real Temporal servers (and a real nats-server when it needs one).
 */
abstract class ContractOnRealServers extends TransportContractTest {

  private Path workDir;
  private LocalNatsServer nats;

  /** The transport's name, as XCLUSTER_TRANSPORT selects it. */
  abstract String transport();

  /**
   * The caller's heartbeat timeout: short, so that the restart case does not wait long for a dead
   * process.
   */
  abstract Duration heartbeatTimeout();

  @Override
  protected ContractClusters startClusters() {
    RealStackTier.assumeToolsInstalled();
    workDir = RealStackTier.workDir(transport() + "-contract");
    return RealStackTier.contractClusters(workDir);
  }

  @Override
  protected boolean serverTimesOutAbandonedActivities() {
    return true;
  }

  @Override
  protected boolean serverDeduplicatesSignals() {
    return true;
  }

  @Override
  protected RunningTransport startTransport(ClusterEndpoint source, ClusterEndpoint target) {
    TransportLauncher launcher = TransportLaunchers.named(transport());
    TransportLaunch launch =
        TransportLaunch.between(source, target)
            .allowing(Set.of(ContractRemoteWorkflow.TYPE))
            .withQuickRecovery();
    if (launcher.needsJetStream()) {
      if (nats == null) {
        nats = LocalNatsServer.start(workDir);
      }
      launch = launch.withNatsUrl(nats.url());
    }
    return launcher.startInProcess(launch)::kill;
  }

  /** The nats-server the transport uses; null for a transport without one. */
  String natsUrl() {
    return nats == null ? null : nats.url();
  }

  @Override
  protected CallRoute route() {
    return CrossClusterTransports.named(transport())
        .routeTo(target())
        .withHeartbeatTimeout(heartbeatTimeout());
  }

  private static String target() {
    return ContractClusters.TARGET;
  }

  @AfterAll
  void stopNats() {
    if (nats != null) {
      nats.close();
    }
  }
}
