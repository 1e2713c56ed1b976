package io.xcluster.region.euwest.fulfillment.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentActivityTimeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No activity in this template runs without stated timeouts, and the document says what the code
 * does.
 */
class FulfillmentActivityTimeoutsTest {

  @Test
  void everyActivityTheWorkerRegistersHasStatedTimeoutsThatNoticeALostAttemptSoon() {
    List<Object> registered = FulfillmentServiceWorker.activities(SimulationSettings.INSTANT);

    assertEquals(List.of(), FulfillmentActivityTimeouts.TABLE.problemsFor(registered));
  }

  @Test
  void theActivityTimeoutsDocumentShowsEveryRowAsTheCodeStatesIt() throws Exception {
    String document = Files.readString(Path.of("..", "docs", "activity-timeouts.md"));

    assertEquals(
        List.of(),
        FulfillmentActivityTimeouts.TABLE.rowsMissingFrom(document),
        "rows docs/activity-timeouts.md lacks or shows otherwise");
  }
}
