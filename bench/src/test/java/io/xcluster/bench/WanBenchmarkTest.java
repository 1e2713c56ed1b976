package io.xcluster.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.localstack.cli.Percentiles;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.localstack.wan.RegionsApart;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The WAN page: round trips per call from the p50s, one row per placement. */
class WanBenchmarkTest {

  /** One sample, no warm-up: settings for checks that run nothing. */
  static final BenchRun.Settings SETTINGS =
      new BenchRun.Settings(
          1,
          0,
          List.of(50),
          10,
          0,
          Duration.ofSeconds(1),
          false,
          false,
          0,
          false,
          false,
          List.of());

  @Test
  void roundTripsPerCallAreWhatTheWanAddedToTheP50OverTheRoundTrip() {
    WanBenchmark.Row row =
        new WanBenchmark.Row(
            RegionsApart.placements().get(0),
            Map.of(0, samples(100), 80, samples(180), 160, samples(300)),
            15,
            13.5);

    assertEquals(1.0, row.roundTripsAt(80), 1e-9);
    assertEquals(1.25, row.roundTripsAt(160), 1e-9);
    assertEquals(0.9, row.throughputRatio(), 1e-9);

    String page =
        WanBenchmark.render(
            new WanBenchmark.Result(List.of(0, 80, 160), List.of(row), List.of("a link")),
            "real",
            "java -jar bench.jar --wan 0,80,160",
            null);
    assertTrue(
        page.contains(
            "| " + row.placement().label() + " | 10 | 100.0 | 180.0 | 300.0 | 1.00 | 1.25 |"),
        page);
    assertTrue(page.contains("- a link"), page);
  }

  @Test
  void roundTripsWithoutZeroAreRefusedNamingTheSetting() {
    BenchCommand.BadSetting refused =
        assertThrows(
            BenchCommand.BadSetting.class,
            () ->
                new WanBenchmark(
                    StackOptions.forTransport(RegionsApart.placements().get(0).transport()),
                    SETTINGS,
                    List.of(20, 80),
                    null,
                    System.err));
    assertTrue(refused.getMessage().contains("--wan needs 0"), refused.getMessage());
  }

  @Test
  void anUnknownPlacementIsRefusedNamingTheSettingAndThePlacementsThereAre() {
    BenchCommand.BadSetting refused =
        assertThrows(
            BenchCommand.BadSetting.class,
            () ->
                new WanBenchmark(
                    StackOptions.forTransport(RegionsApart.placements().get(0).transport()),
                    SETTINGS,
                    List.of(0, 80),
                    "bridge-target-region,bridge-on-the-moon",
                    System.err));
    assertTrue(refused.getMessage().startsWith("--wan-placements"), refused.getMessage());
    assertTrue(refused.getMessage().contains("bridge-on-the-moon"), refused.getMessage());
    assertTrue(refused.getMessage().contains("nats-server-per-region"), refused.getMessage());
  }

  private static Percentiles samples(double millis) {
    return new Percentiles(
        IntStream.range(0, 10)
            .mapToObj(i -> Duration.ofNanos(Math.round(millis * 1_000_000)))
            .toList());
  }
}
