package io.xcluster.bench;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.localstack.cli.Percentiles;
import io.xcluster.localstack.stack.StackOptions;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The NATS deployments page: one row per deployment, and the ratios it states between them. */
class NatsDeploymentsTest {

  @Test
  void thePageHasARowPerDeploymentAndStatesWhatTheSyncAndTheClusterCost() {
    List<NatsDeployments.Figures> figures =
        List.of(
            figures(0, 0.2, 40_000, 130),
            figures(1, 0.4, 4_000, 130),
            figures(2, 1.2, 10_000, 140));

    String page = NatsDeployments.render(figures, "postgres", "java -jar bench.jar ...");

    for (NatsDeployments.Deployment deployment : NatsDeployments.DEPLOYMENTS) {
      assertTrue(page.contains("| " + deployment.label() + " |"), deployment.label());
    }
    assertTrue(page.contains("p50 0.20 → 0.40 ms (×2.0); publishes per second ×0.10"), page);
    assertTrue(page.contains("p50 ×3.0, publishes per second ×2.50"), page);
    assertTrue(page.contains("+10.0 ms on the cluster"), page);
  }

  @Test
  void embeddedServersAreRefusedNamingWhatItNeeds() {
    NatsDeployments deployments =
        new NatsDeployments(
            StackOptions.forTransport("nats"), WanBenchmarkTest.SETTINGS, System.err);

    BenchCommand.BadSetting refused = assertThrows(BenchCommand.BadSetting.class, deployments::run);
    assertTrue(refused.getMessage().contains("--stack real or --stack postgres"));
  }

  private static NatsDeployments.Figures figures(
      int deployment, double publishMillis, double publishRate, double fulfillmentMillis) {
    return new NatsDeployments.Figures(
        NatsDeployments.DEPLOYMENTS.get(deployment),
        samples(publishMillis),
        publishRate,
        samples(fulfillmentMillis),
        samples(100),
        12,
        15);
  }

  private static Percentiles samples(double millis) {
    return new Percentiles(
        IntStream.range(0, 10)
            .mapToObj(i -> Duration.ofNanos(Math.round(millis * 1_000_000)))
            .toList());
  }
}
