package io.xcluster.localstack.realstack;

import static io.xcluster.localstack.realstack.TransportFaults.assertPassed;

import io.xcluster.localstack.wan.RegionsApart;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Faults of the WAN between the regions, with both clusters and every process up: us-east and
 * eu-west 80 ms apart ({@link RegionsApart}), each transport where its launcher recommends it
 * (docs/transports.md says why), 250 orders in flight, counted as every fault row is.
 */
class RegionsApartFaultIT {

  private static final Duration RTT = Duration.ofMillis(80);
  private static final Duration PARTITION = Duration.ofSeconds(60);

  /** A link that flaps, or spikes: this often, for {@value #CYCLES} cycles (2 minutes). */
  private static final Duration HALF_CYCLE = Duration.ofSeconds(5);

  private static final int CYCLES = 12;

  @ParameterizedTest
  @MethodSource("placementsUnderTest")
  void fullPartitionFor60SecondsLosesAndDuplicatesNothing(RegionsApart.Placement placement) {
    try (FaultDrill drill =
        FaultDrill.startApart(fault("partition-60s", placement), placement, RTT)) {
      drill.placeOrders();
      drill.awaitFaultMoment();
      drill.regionsApart().cut();
      FaultDrill.pause(PARTITION);
      drill.regionsApart().restore();
      drill.recovered();
      assertPassed(
          drill.finish(
              "every link between the regions cut for 60 s, both ways, both clusters and all"
                  + " processes up ("
                  + placement.label()
                  + ", RTT 80 ms)",
              0));
    }
  }

  @ParameterizedTest
  @MethodSource("placementsUnderTest")
  void oneWayPartitionFor60SecondsLosesAndDuplicatesNothing(RegionsApart.Placement placement) {
    try (FaultDrill drill =
        FaultDrill.startApart(fault("one-way-partition-60s", placement), placement, RTT)) {
      drill.placeOrders();
      drill.awaitFaultMoment();
      drill.regionsApart().hold(RegionsApart.US_EAST);
      FaultDrill.pause(PARTITION);
      drill.regionsApart().release(RegionsApart.US_EAST);
      drill.recovered();
      assertPassed(
          drill.finish(
              "everything sent from us-east to eu-west dropped for 60 s, the reverse flowing,"
                  + " connections open until it ended, then closed ("
                  + placement.label()
                  + ", RTT 80 ms)",
              0));
    }
  }

  @ParameterizedTest
  @MethodSource("placementsUnderTest")
  void flappingLinkFor2MinutesLosesAndDuplicatesNothing(RegionsApart.Placement placement) {
    try (FaultDrill drill =
        FaultDrill.startApart(fault("flapping-link-2min", placement), placement, RTT)) {
      drill.placeOrders();
      drill.awaitFaultMoment();
      for (int cycle = 0; cycle < CYCLES; cycle++) {
        drill.regionsApart().cut();
        FaultDrill.pause(HALF_CYCLE);
        drill.regionsApart().restore();
        FaultDrill.pause(HALF_CYCLE);
      }
      drill.recovered();
      assertPassed(
          drill.finish(
              "every link cut for 5 s and up for 5 s, 12 times (2 minutes; "
                  + placement.label()
                  + ", RTT 80 ms)",
              0));
    }
  }

  @ParameterizedTest
  @MethodSource("placementsUnderTest")
  void latencySpikesFor2MinutesLoseAndDuplicateNothing(RegionsApart.Placement placement) {
    try (FaultDrill drill =
        FaultDrill.startApart(fault("latency-spikes-2min", placement), placement, RTT)) {
      drill.placeOrders();
      drill.awaitFaultMoment();
      for (int cycle = 0; cycle < CYCLES; cycle++) {
        drill.regionsApart().roundTrip(RTT.plus(Duration.ofSeconds(1))); // +500 ms each way
        FaultDrill.pause(HALF_CYCLE);
        drill.regionsApart().roundTrip(RTT);
        FaultDrill.pause(HALF_CYCLE);
      }
      drill.recovered();
      assertPassed(
          drill.finish(
              "500 ms added each way for 5 s in every 10 s, 12 times (2 minutes; "
                  + placement.label()
                  + ", RTT 80 ms otherwise)",
              0));
    }
  }

  /**
   * Each production transport where it should live with the regions apart; or the placements named
   * by {@code -Dxcluster.placements} (tags such as {@code nats-server-per-region},
   * comma-separated), to drill one that is not recommended.
   */
  static java.util.List<RegionsApart.Placement> placementsUnderTest() {
    String named = System.getProperty("xcluster.placements", "").trim();
    java.util.List<RegionsApart.Placement> placements =
        named.isEmpty() ? RegionsApart.recommended() : RegionsApart.placements(named);
    if (placements.isEmpty()) {
      throw new IllegalStateException("no transport recommends a placement: nothing would run");
    }
    return placements;
  }

  private static String fault(String what, RegionsApart.Placement placement) {
    return "wan-" + what + "-" + placement.tag();
  }
}
