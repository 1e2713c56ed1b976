package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.OutcomeKind;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.spi.CallRoute;
import io.xcluster.runtime.config.NatsAccess;
import io.xcluster.testkit.contract.ContractRemoteWorkflow;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.testkit.contract.TransportContractTest;
import io.xcluster.testkit.nats.LocalNatsServer;
import io.xcluster.testkit.wan.LocalToxiproxy;
import io.xcluster.tracing.ServiceTracing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A NATS server per region, as the regions run apart: the calling side on a leaf node without
 * JetStream in its own region, linked to the JetStream server beside the relay in the target region
 * (through a Toxiproxy link that stands in for the WAN). The whole contract kit passes through the
 * leaf; and a cut link, which the calling side sees as "no responders" from a server it stays
 * connected to, is ridden out inside the publish.
 */
class NatsThroughALeafNodeTest extends TransportContractTest {

  private LocalNatsServer hub;
  private LocalToxiproxy toxiproxy;
  private LocalToxiproxy.Link link;
  private LocalNatsServer leaf;
  private NatsSettings settings;

  @Override
  protected RunningTransport startTransport(ClusterEndpoint source, ClusterEndpoint target) {
    if (hub == null) {
      assumeTrue(
          LocalNatsServer.availableForTests(),
          "nats-server not found on PATH or in /usr/sbin: the NATS transport's tests need it (apt-get install nats-server)");
      assumeTrue(
          LocalToxiproxy.availableForTests(),
          "no Toxiproxy for the link between the regions: run scripts/install-tools.sh toxiproxy");
      try {
        Path dir = Files.createTempDirectory("nats-leaf-");
        hub = LocalNatsServer.startThrowAway();
        toxiproxy = LocalToxiproxy.start(dir.resolve("toxiproxy"));
        link = toxiproxy.link("leaf-to-hub", hub.leafNodeAddress());
        leaf = LocalNatsServer.startLeaf(dir.resolve("leaf"), link.listen());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      settings =
          NatsSettings.defaults(hub.url())
              .withAckWait(Duration.ofSeconds(2))
              .allowing(Set.of(ContractRemoteWorkflow.TYPE));
    }
    ClusterConnection targetConnection = ClusterConnection.open(target, Duration.ofSeconds(10));
    ClusterConnection sourceConnection = ClusterConnection.open(source, Duration.ofSeconds(10));
    // the relay first: it sets the streams up on the hub, which the calling side then finds
    NatsCoordinator relay =
        NatsCoordinator.start(
            settings, null, targetConnection, target.name(), ServiceTracing.disabled());
    NatsCoordinator callingSide =
        NatsCoordinator.start(
            settings
                .withAccess(new NatsAccess(leaf.url(), null, null, null, null))
                .withJetStreamDomain(hub.jetStreamDomain()),
            sourceConnection,
            null,
            target.name(),
            ServiceTracing.disabled());
    return () -> {
      callingSide.kill();
      relay.kill();
      sourceConnection.closeNow();
      targetConnection.closeNow();
    };
  }

  @Override
  protected CallRoute route() {
    return NatsTransportContractTest.quickRoute();
  }

  @AfterAll
  void stopServers() {
    if (leaf != null) {
      leaf.close();
    }
    if (toxiproxy != null) {
      toxiproxy.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  /**
   * 20 s without the link: longer than a leader election, which is what a publish answered "no
   * responders" used to be given before it failed and left the call to Temporal's back-off.
   */
  @Test
  void callPlacedWhileTheLinkToTheHubIsCutGoesOutWhenItHealsWithoutARetriedActivity()
      throws Exception {
    assumeTrue(
        hub.keepsLeafNodesOnTheirLink(),
        "this nats-server advertises its leaf-node address (2.9 ignores no_advertise): the leaf"
            + " would reconnect round the cut; run the tests with nats-server 2.10 or later");
    startCaller("before-the-cut", RemoteBehaviour.complete("warm"), REMOTE_TIMEOUT).outcome();
    link.cut();
    Caller caller;
    try {
      caller = startCaller("across-the-cut", RemoteBehaviour.complete("healed"), REMOTE_TIMEOUT);
      Thread.sleep(20_000);
      // the leaf must not find its way round the cut (the hub's own leaf-node port, had the hub
      // advertised it)
      assertEquals(0, executionsOf(caller.remoteWorkflowId()), "the call crossed a cut link");
    } finally {
      link.restore();
    }

    CallOutcome outcome = caller.outcome();

    assertEquals(OutcomeKind.COMPLETED, outcome.kind(), outcome.toString());
    assertEquals(1, executionsOf(caller.remoteWorkflowId()));
    assertEquals(
        1,
        transportActivityAttempts(caller.workflowId()),
        "the publish waited out the cut instead of failing into Temporal's back-off");
  }
}
