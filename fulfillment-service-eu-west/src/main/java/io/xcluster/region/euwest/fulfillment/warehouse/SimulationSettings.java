package io.xcluster.region.euwest.fulfillment.warehouse;

import java.time.Duration;
import java.util.Objects;

/**
 * Knobs of the simulated warehouse and carrier, for demos, tests and benchmarks.
 *
 * @param stepDelay how long picking-and-packing and shipping each take
 * @param transientFailureRate share of step attempts (0..1) that fail retryably, as a flaky
 *     warehouse system would; Temporal retries them
 * @param seed seeds the failure injection, so a run can be repeated
 */
public record SimulationSettings(Duration stepDelay, double transientFailureRate, long seed) {

  public static final SimulationSettings INSTANT = new SimulationSettings(Duration.ZERO, 0.0, 1L);

  public SimulationSettings {
    Objects.requireNonNull(stepDelay, "stepDelay");
    if (stepDelay.isNegative()) {
      throw new IllegalArgumentException(
          "simulation stepDelay must not be negative, was " + stepDelay);
    }
    if (transientFailureRate < 0 || transientFailureRate > 1) {
      throw new IllegalArgumentException(
          "simulation transientFailureRate must be within 0..1, was " + transientFailureRate);
    }
  }
}
