package io.xcluster.localstack.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fault record fails on a double charge or a slow recovery, reads records written before those
 * were counted, and shows both in the report.
 */
class FaultRecordTest {

  @TempDir Path dir;

  private static FaultRecord outage(Integer chargedTwice, Long recoverySeconds) {
    return new FaultRecord(
        "eu-west-down-30s-long-steps",
        "bridge",
        "stopped 30 s",
        40,
        40,
        40,
        40,
        0,
        0,
        0,
        40,
        40,
        95,
        chargedTwice,
        recoverySeconds,
        null,
        null);
  }

  @Test
  void anOrderChargedTwiceOrALastOrderLaterThanAMinuteAfterRecoveryFailsTheRow() {
    assertTrue(outage(0, 45L).passed());
    assertFalse(outage(1, 45L).passed());
    assertFalse(outage(0, 61L).passed());
  }

  @Test
  void aRecordWrittenBeforeChargesAndRecoveryWereCountedReadsWithoutThem() throws Exception {
    Path old = dir.resolve("transport-killed-nats.json");
    Files.writeString(
        old,
        """
        {"fault":"transport-killed","transport":"nats","injection":"SIGKILL","ordersPlaced":250,"ordersCompleted":250,
         "fulfillmentsExecuted":250,"fulfillmentRuns":250,"duplicatesInjected":0,"duplicated":0,"lost":0,
         "ordersInFlightAtFault":250,"fulfillmentsInFlightAtFault":60,"seconds":39}
        """);

    FaultRecord record = FaultRecord.readFrom(old);

    assertNull(record.ordersChargedTwice());
    assertNull(record.secondsFromRecoveryToLastOrder());
    assertTrue(record.passed());
  }

  @Test
  void rowsOfTheTwoStacksAreKeptApartAndNamed() {
    FaultRecord onStartDev = outage(0, 45L);
    FaultRecord onPostgres = withStack(outage(0, 50L), "postgres");
    onStartDev.writeTo(dir);
    onPostgres.writeTo(dir);

    String report =
        ReliabilityReportCommand.render(
            List.of(
                FaultRecord.readFrom(dir.resolve("eu-west-down-30s-long-steps-bridge.json")),
                FaultRecord.readFrom(
                    dir.resolve("eu-west-down-30s-long-steps-bridge-postgres.json"))),
            null);

    assertTrue(report.contains("| postgres | eu-west-down-30s-long-steps | bridge |"), report);
    assertTrue(report.contains("| start-dev | eu-west-down-30s-long-steps | bridge |"), report);
  }

  private static FaultRecord withStack(FaultRecord r, String stack) {
    return new FaultRecord(
        r.fault(),
        r.transport(),
        r.injection(),
        r.ordersPlaced(),
        r.ordersCompleted(),
        r.fulfillmentsExecuted(),
        r.fulfillmentRuns(),
        r.duplicatesInjected(),
        r.duplicated(),
        r.lost(),
        r.ordersInFlightAtFault(),
        r.fulfillmentsInFlightAtFault(),
        r.seconds(),
        r.ordersChargedTwice(),
        r.secondsFromRecoveryToLastOrder(),
        stack,
        r.secondsFromRecoveryToLastCallStarted());
  }

  @Test
  void theReportShowsChargesAndTheRecoveryTimeOfEachRow() {
    outage(0, 45L).writeTo(dir);
    FaultRecord withLastCall = outage(0, 45L);
    withLastCall =
        new FaultRecord(
            "partition",
            withLastCall.transport(),
            withLastCall.injection(),
            withLastCall.ordersPlaced(),
            withLastCall.ordersCompleted(),
            withLastCall.fulfillmentsExecuted(),
            withLastCall.fulfillmentRuns(),
            withLastCall.duplicatesInjected(),
            withLastCall.duplicated(),
            withLastCall.lost(),
            withLastCall.ordersInFlightAtFault(),
            withLastCall.fulfillmentsInFlightAtFault(),
            withLastCall.seconds(),
            0,
            45L,
            null,
            4L);

    String report =
        ReliabilityReportCommand.render(
            List.of(
                FaultRecord.readFrom(dir.resolve("eu-west-down-30s-long-steps-bridge.json")),
                withLastCall),
            null);

    assertTrue(report.contains("| 0 | 0 | 0 | 95 | — / 45 | pass |"), report);
    assertTrue(
        report.contains("| 95 | 4 / 45 | pass |"),
        "with the last call's start known, the transport's share comes first: " + report);
    assertEquals(
        1,
        report
            .lines()
            .filter(line -> line.startsWith("| start-dev | eu-west-down-30s-long-steps |"))
            .count());
  }
}
