package io.xcluster.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xcluster.port.protection.DestinationLimits;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class DestinationLimitsOptionsTest {

  @Command(name = "transport")
  static final class Transport {
    @Mixin DestinationLimitsOptions limits;
  }

  private static DestinationLimits parsed(String... args) {
    Transport transport = new Transport();
    CommandLine commandLine = new CommandLine(transport);
    commandLine.registerConverter(Duration.class, ServiceCommandLine::duration);
    commandLine.parseArgs(args);
    return transport.limits.limits();
  }

  @Test
  void theArgumentsALauncherPassesGiveTheProcessTheSameLimits() {
    DestinationLimits limits = new DestinationLimits(200, 12.5, 3, Duration.ofMillis(2500));

    assertEquals(
        limits, parsed(DestinationLimitsOptions.asArguments(limits).toArray(String[]::new)));
  }

  @Test
  void theDefaultsRoundTripToo() {
    assertEquals(
        DestinationLimits.DEFAULTS,
        parsed(
            DestinationLimitsOptions.asArguments(DestinationLimits.DEFAULTS)
                .toArray(String[]::new)));
  }

  @Test
  void aLimitOutOfRangeNamesTheFlagItsVariableAndTheValue() {
    io.xcluster.runtime.config.ConfigException refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.xcluster.runtime.config.ConfigException.class,
            () -> parsed("--breaker-half-open-after", "0s"));

    assertEquals(
        "--breaker-half-open-after / XCLUSTER_BREAKER_HALF_OPEN_AFTER='PT0S': must be a positive"
            + " duration",
        refused.getMessage());
  }
}
