package io.xcluster.transport.nats;

import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.contract.TransportContractTest;
import io.xcluster.port.spi.CallRoute;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;

/** The NATS coordinator passes the transport contract kit, unweakened, against a real nats-server. */
class NatsTransportContractTest extends TransportContractTest {

  private NatsTestServer nats;

  @Override
  protected RunningTransport startTransport(ClusterEndpoint source, ClusterEndpoint target) {
    if (nats == null) {
      nats = new NatsTestServer();
    }
    // a short ack wait, so that calls held by a killed relay are redelivered within seconds
    NatsSettings settings = NatsSettings.defaults(nats.url()).withAckWait(Duration.ofSeconds(2));
    NatsCoordinator coordinator = NatsCoordinator.startBothSides(settings, source, target);
    return coordinator::kill;
  }

  @Override
  protected CallRoute route() {
    return new NatsTransport().routeTo("eu-west").withHeartbeatTimeout(Duration.ofSeconds(5));
  }

  @AfterAll
  void stopNats() throws Exception {
    if (nats != null) {
      nats.close();
    }
  }
}
