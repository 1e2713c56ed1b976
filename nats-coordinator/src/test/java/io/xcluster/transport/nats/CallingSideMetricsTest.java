package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xcluster.port.call.RemoteTarget;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CallingSideMetricsTest {

  private final CallingSideMetrics metrics = new CallingSideMetrics("eu-west");

  @Test
  void callsAndOutcomesOfOneDestinationShareItsLabel() {
    RemoteTarget target =
        new RemoteTarget(
            "eu-west", "fulfillment", "FulfillmentWorkflow", "fulfillment", Duration.ofHours(1));

    assertEquals("eu-west/fulfillment", metrics.forCall(target).destination());
    assertEquals("eu-west/fulfillment", metrics.forOutcome("eu-west/fulfillment").destination());
  }

  @Test
  void whatTheOutcomeHeaderSaysBecomesALabelOnlyIfItNamesANamespaceOfTheTargetCluster() {
    assertEquals("eu-west/unknown", metrics.forOutcome(null).destination());
    assertEquals("eu-west/unknown", metrics.forOutcome("us-east/orders").destination());
    assertEquals("eu-west/unknown", metrics.forOutcome("eu-west/a b\"}").destination());
    assertEquals("eu-west/unknown", metrics.forOutcome("eu-west/").destination());
  }

  @Test
  void whoeverCanPublishResultsCannotMintMoreThanAFewSeries() {
    for (int i = 0; i < 1_000; i++) {
      metrics.forOutcome("eu-west/ns-" + i);
    }
    assertEquals("eu-west/ns-3", metrics.forOutcome("eu-west/ns-3").destination());
    assertEquals(
        "eu-west/unknown",
        metrics.forOutcome("eu-west/ns-999").destination(),
        "beyond " + CallingSideMetrics.MAX_DESTINATIONS + " destinations everything is 'unknown'");
  }
}
