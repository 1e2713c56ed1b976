package io.xcluster.localstack.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What one fault-injection run counted: the evidence behind a row of {@code docs/reliability.md}.
 * Fulfillments are counted on eu-west's side, from its visibility API: every run of the fulfillment
 * workflow, grouped by workflow id (the call id).
 *
 * @param fault which fault was injected (e.g. {@code transport-killed})
 * @param transport bridge or nats
 * @param injection what exactly was done, in words
 * @param ordersPlaced orders started on us-east
 * @param ordersCompleted orders that reached their expected final state
 * @param fulfillmentsExecuted distinct fulfillment workflow ids that ran on eu-west
 * @param fulfillmentRuns all fulfillment runs on eu-west (more than executed = a call ran twice)
 * @param duplicatesInjected duplicate starts or messages deliberately sent (0 for other faults)
 * @param duplicated fulfillments that ran more than once
 * @param lost orders that did not reach their final state, or whose fulfillment never ran
 * @param ordersInFlightAtFault orders still running on us-east when the fault hit
 * @param fulfillmentsInFlightAtFault fulfillment runs in progress on eu-west when the fault hit
 * @param seconds wall time from the first order to the last completion
 * @param ordersChargedTwice orders the payment gateway charged more than once (null in records from
 *     before it was counted)
 * @param secondsFromRecoveryToLastOrder for an outage: from the moment the failed part was back to
 *     the last order's completion (null when the row has no outage); at most {@link
 *     #RECOVERY_GOAL_SECONDS} to pass
 * @param secondsFromRecoveryToLastCallStarted for an outage: from the recovery to the start of the
 *     last fulfillment run on eu-west — the transport's share of the recovery; what follows is the
 *     fulfillment's own steps (null when the row has no outage, or in older records)
 * @param stack the clusters it ran on: {@code start-dev} or {@code postgres} (the production-like
 *     stack); null in records from before it was recorded, which ran on start-dev
 */
public record FaultRecord(
    String fault,
    String transport,
    String injection,
    int ordersPlaced,
    int ordersCompleted,
    int fulfillmentsExecuted,
    int fulfillmentRuns,
    int duplicatesInjected,
    int duplicated,
    int lost,
    int ordersInFlightAtFault,
    int fulfillmentsInFlightAtFault,
    long seconds,
    Integer ordersChargedTwice,
    Long secondsFromRecoveryToLastOrder,
    String stack,
    Long secondsFromRecoveryToLastCallStarted) {

  /** The stack it ran on; {@code start-dev} for records from before it was recorded. */
  public String stackName() {
    return stack == null ? "start-dev" : stack;
  }

  /** The goal for an outage row: every order done within this many seconds of the recovery. */
  public static final long RECOVERY_GOAL_SECONDS = 60;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Where the real-stack tests leave their records, relative to the local-stack module. */
  public static final Path DEFAULT_DIRECTORY = Path.of("target", "reliability");

  /** A row without charge counts or an outage (records from before they were measured). */
  public FaultRecord(
      String fault,
      String transport,
      String injection,
      int ordersPlaced,
      int ordersCompleted,
      int fulfillmentsExecuted,
      int fulfillmentRuns,
      int duplicatesInjected,
      int duplicated,
      int lost,
      int ordersInFlightAtFault,
      int fulfillmentsInFlightAtFault,
      long seconds) {
    this(
        fault,
        transport,
        injection,
        ordersPlaced,
        ordersCompleted,
        fulfillmentsExecuted,
        fulfillmentRuns,
        duplicatesInjected,
        duplicated,
        lost,
        ordersInFlightAtFault,
        fulfillmentsInFlightAtFault,
        seconds,
        null,
        null,
        null,
        null);
  }

  public boolean passed() {
    return lost == 0
        && duplicated == 0
        && ordersCompleted == ordersPlaced
        && fulfillmentRuns == fulfillmentsExecuted
        && (ordersChargedTwice == null || ordersChargedTwice == 0)
        && (secondsFromRecoveryToLastOrder == null
            || secondsFromRecoveryToLastOrder <= RECOVERY_GOAL_SECONDS);
  }

  public void writeTo(Path directory) {
    try {
      Files.createDirectories(directory);
      String name = fault + "-" + transport + (stack == null ? "" : "-" + stack);
      JSON.writeValue(directory.resolve(name + ".json").toFile(), this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the fault record to " + directory, e);
    }
  }

  public static FaultRecord readFrom(Path file) {
    try {
      return JSON.readValue(file.toFile(), FaultRecord.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " is not a fault record: " + e.getMessage(), e);
    }
  }
}
