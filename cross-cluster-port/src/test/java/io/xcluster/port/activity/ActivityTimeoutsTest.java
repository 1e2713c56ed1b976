package io.xcluster.port.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A row of activity timeouts refuses what would let an outage cost more than a heartbeat timeout,
 * naming the activity.
 */
class ActivityTimeoutsTest {

  private static final ActivityOptions.Builder STATED =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(2))
          .setHeartbeatTimeout(Duration.ofSeconds(10))
          .setRetryOptions(ActivityTimeouts.untilTheSystemAnswers(Duration.ofSeconds(30)));

  @ActivityInterface
  interface Warehouse {
    @ActivityMethod(name = "Pick")
    void pick(String orderId);

    void restock(String sku);
  }

  static final class SimulatedWarehouse implements Warehouse {
    @Override
    public void pick(String orderId) {}

    @Override
    public void restock(String sku) {}
  }

  @Test
  void aRowWithoutAReasonIsRefused() {
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ActivityTimeouts("Pick", Duration.ofSeconds(1), STATED.build(), " "));
    assertTrue(refused.getMessage().startsWith("Pick: the reason"), refused.getMessage());
  }

  @Test
  void aLongActivityWithoutAHeartbeatTimeoutIsRefused() {
    ActivityOptions noHeartbeat =
        ActivityOptions.newBuilder(STATED.build()).setHeartbeatTimeout(null).build();

    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ActivityTimeouts("Pick", Duration.ofMinutes(1), noHeartbeat, "people pick"));
    assertTrue(refused.getMessage().contains("needs a heartbeat timeout"), refused.getMessage());
  }

  @Test
  void aStartToCloseShorterThanTheExpectedDurationIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ActivityTimeouts("Pick", Duration.ofMinutes(5), STATED.build(), "people pick"));
  }

  @Test
  void anActivityTheWorkerRegistersWithoutARowIsReportedByItsTypeName() {
    ActivityTimeoutTable table =
        new ActivityTimeoutTable(
            new ActivityTimeouts("Pick", Duration.ofSeconds(30), STATED.build(), "people pick"));

    assertEquals(
        List.of("Restock has no stated timeouts"),
        table.problemsFor(List.of(new SimulatedWarehouse())));
  }

  @Test
  void aDocumentShowingOtherNumbersLacksTheRow() {
    ActivityTimeouts row =
        new ActivityTimeouts("Pick", Duration.ofSeconds(30), STATED.build(), "people pick");
    ActivityTimeoutTable table = new ActivityTimeoutTable(row);

    assertEquals(List.of(), table.rowsMissingFrom("intro\n" + row.markdownRow() + "\n"));
    assertEquals(
        List.of(row.markdownRow()),
        table.rowsMissingFrom(row.markdownRow().replace("10 s", "30 s")));
    assertEquals(
        "| `Pick` | ≤ 30 s | 2 min | 10 s | 1 s → 30 s, no limit | people pick |",
        row.markdownRow());
  }
}
