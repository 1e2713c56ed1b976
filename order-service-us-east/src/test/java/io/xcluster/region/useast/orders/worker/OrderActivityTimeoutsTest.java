package io.xcluster.region.useast.orders.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xcluster.region.useast.orders.notification.SimulatedNotifier;
import io.xcluster.region.useast.orders.payment.SimulatedPaymentGateway;
import io.xcluster.region.useast.orders.workflow.OrderActivityTimeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No activity in this template runs without stated timeouts, and the document says what the code
 * does.
 */
class OrderActivityTimeoutsTest {

  @Test
  void everyActivityTheWorkerRegistersHasStatedTimeoutsThatNoticeALostAttemptSoon() {
    List<Object> registered =
        OrderServiceWorker.activities(new SimulatedPaymentGateway(), new SimulatedNotifier());

    assertEquals(List.of(), OrderActivityTimeouts.TABLE.problemsFor(registered));
  }

  @Test
  void theActivityTimeoutsDocumentShowsEveryRowAsTheCodeStatesIt() throws Exception {
    String document = Files.readString(Path.of("..", "docs", "activity-timeouts.md"));

    assertEquals(
        List.of(),
        OrderActivityTimeouts.TABLE.rowsMissingFrom(document),
        "rows docs/activity-timeouts.md lacks or shows otherwise");
  }
}
