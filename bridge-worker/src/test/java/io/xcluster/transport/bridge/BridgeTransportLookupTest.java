package io.xcluster.transport.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.xcluster.port.spi.CallRoute;
import io.xcluster.port.spi.CrossClusterTransports;
import io.xcluster.port.spi.OutcomeProtocol;
import org.junit.jupiter.api.Test;

class BridgeTransportLookupTest {

  @Test
  void bridgeIsFoundByItsConfiguredNameAndRoutesToItsQueue() {
    CallRoute route = CrossClusterTransports.named("bridge").routeTo("eu-west");

    assertEquals("bridge-to-eu-west", route.taskQueue());
    assertEquals(
        OutcomeProtocol.RETURNED_OR_SIGNALED,
        route.protocol(),
        "the bridge returns the outcome or, with a callback attached, leaves it to a signal");
  }

  @Test
  void unknownTransportNameIsRejectedNamingTheSettingAndTheChoices() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CrossClusterTransports.named("pigeon"));

    assertEquals(
        "XCLUSTER_TRANSPORT=pigeon is not a transport on the class path; available: bridge",
        e.getMessage());
  }
}
