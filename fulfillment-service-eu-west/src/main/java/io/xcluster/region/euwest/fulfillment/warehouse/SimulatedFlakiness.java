package io.xcluster.region.euwest.fulfillment.warehouse;

import io.temporal.failure.ApplicationFailure;
import java.util.Random;

/** A simulated system's API that now and then fails retryably, at the configured rate. */
public final class SimulatedFlakiness {

  private final SimulationSettings settings;
  private final Random random;

  public SimulatedFlakiness(SimulationSettings settings) {
    this.settings = settings;
    this.random = new Random(settings.seed());
  }

  /**
   * Runs before a request to the simulated system; throws a retryable failure of {@code
   * failureType} now and then.
   */
  public void step(String what, String failureType) {
    boolean fail;
    synchronized (random) {
      fail = random.nextDouble() < settings.transientFailureRate();
    }
    if (fail) {
      throw ApplicationFailure.newFailure("simulated outage while " + what, failureType);
    }
  }
}
