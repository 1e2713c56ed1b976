package io.xcluster.region.euwest.fulfillment.warehouse;

import io.temporal.failure.ApplicationFailure;
import java.util.Random;

/** The shared part of the simulations: wait the step delay, and now and then fail retryably. */
public final class SimulatedFlakiness {

  private final SimulationSettings settings;
  private final Random random;

  public SimulatedFlakiness(SimulationSettings settings) {
    this.settings = settings;
    this.random = new Random(settings.seed());
  }

  /** Runs before a simulated step; throws a retryable failure of {@code failureType} now and then. */
  public void step(String what, String failureType) {
    boolean fail;
    synchronized (random) {
      fail = random.nextDouble() < settings.transientFailureRate();
    }
    if (fail) {
      throw ApplicationFailure.newFailure("simulated outage while " + what, failureType);
    }
    if (!settings.stepDelay().isZero()) {
      try {
        Thread.sleep(settings.stepDelay().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ApplicationFailure.newFailure("interrupted while " + what, failureType);
      }
    }
  }
}
