package io.xcluster.region.euwest.fulfillment.workflow;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Fulfillments in flight must survive a new worker build. Each history was recorded from a run that
 * went through today's paths: started as a call with a progress queue (three progress reports), its
 * delivery address changed by an update while the parcel was packed, then shipped. The first was
 * recorded before the carrier got the changed address in full, the second after.
 */
class FulfillmentWorkflowReplayTest {

  private static final String WORKFLOW_ID = "us-east:order-9:fulfillment";

  @Test
  void addressChangedWhenTheCarrierGotOnlyTheCountryReplays() throws Exception {
    replay("histories/fulfillment-address-changed-country-only-to-carrier.json");
  }

  @Test
  void addressChangedWithTheFullAddressToTheCarrierReplays() throws Exception {
    replay("histories/fulfillment-address-changed-full-address-to-carrier.json");
  }

  private static void replay(String resource) throws Exception {
    try (InputStream in =
        FulfillmentWorkflowReplayTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertNotNull(in, resource);
      WorkflowReplayer.replayWorkflowExecution(
          WorkflowExecutionHistory.fromJson(
              new String(in.readAllBytes(), StandardCharsets.UTF_8), WORKFLOW_ID),
          FulfillmentWorkflowImpl.class);
    }
  }
}
