package io.xcluster.localstack.realstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.postgres.ProductionLikeClusters;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.runtime.cli.ServiceCommandLine;
import io.xcluster.testkit.tls.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The production-like stack's frontends speak mutual TLS only: a service connecting through the
 * stack's Temporal profile works; one presenting a certificate from another CA, none at all, or not
 * trusting the cluster's CA is refused at start-up with one line naming the TLS setting to fix
 * (exit 2), instead of waiting for the cluster forever. The service is eu-west's fulfillment
 * service, run as its own process exactly as deployed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MutualTlsOnProductionLikeStackIT {

  private static final String SERVICE_MAIN =
      "io.xcluster.region.euwest.fulfillment.service.FulfillmentServiceMain";
  private static final String SERVICE = "fulfillment-service-eu-west";

  private Path workDir;
  private ProductionLikeClusters clusters;
  private TestCertificates otherCa;

  @BeforeAll
  void startStack() throws Exception {
    assumeTrue(
        ProductionLikeTier.selected(),
        "runs with the production-like tier (-D" + ProductionLikeTier.SELECTOR + "=postgres)");
    ProductionLikeTier.assumeToolsInstalled();
    workDir = RealStackTier.workDir("mutual-tls");
    clusters = ProductionLikeClusters.start(LocalStack.US_EAST, 0, LocalStack.EU_WEST, 0, workDir);
    otherCa = TestCertificates.createIn(workDir.resolve("other-ca"));
  }

  @AfterAll
  void stopStack() {
    if (clusters != null) {
      clusters.close();
    }
  }

  @Test
  void aServiceConnectingThroughTheStacksProfileIsServed() throws Exception {
    ServiceRun run =
        runService("stack-profile", clusters.profileFile(), "fulfillment worker polling");
    assertTrue(
        run.output().contains("fulfillment worker polling"),
        "the service never polled; its output:\n" + run.output());
    assertTrue(
        run.output().contains("mTLS"),
        "the service did not say it connected over mTLS:\n" + run.output());
  }

  @Test
  void aServiceWhoseCertificateComesFromAnotherCaIsRefusedNamingTheSetting() throws Exception {
    Path profile =
        profile(
            "other-ca",
            clusters.certificates().caCert(),
            otherCa.clientCert(),
            otherCa.clientKey());
    assertRefusedNaming(
        runService("other-ca", profile, null),
        "tls.client_cert_path",
        otherCa.clientCert().toString());
  }

  @Test
  void aServiceWithoutAClientCertificateIsRefusedNamingTheSetting() throws Exception {
    Path profile = profile("no-client-cert", clusters.certificates().caCert(), null, null);
    assertRefusedNaming(
        runService("no-client-cert", profile, null),
        "tls.client_cert_path",
        "requires a client certificate");
  }

  @Test
  void aServiceThatDoesNotTrustTheClustersCaIsRefusedNamingTheSetting() throws Exception {
    Path profile =
        profile(
            "other-server-ca",
            otherCa.caCert(),
            clusters.certificates().clientCert(),
            clusters.certificates().clientKey());
    assertRefusedNaming(
        runService("other-server-ca", profile, null),
        "tls.server_ca_cert_path",
        otherCa.caCert().toString());
  }

  private static void assertRefusedNaming(ServiceRun run, String setting, String detail) {
    assertEquals(
        ServiceCommandLine.EXIT_CONFIG,
        run.exitCode(),
        "expected a refusal at start-up (exit 2); output:\n" + run.output());
    // the refusal is the service's one error line (log lines start with a timestamp)
    List<String> refusals =
        run.output().lines().filter(line -> line.startsWith(SERVICE + ": ")).toList();
    assertEquals(1, refusals.size(), "expected one error line; output:\n" + run.output());
    String refusal = refusals.get(0);
    assertTrue(
        refusal.startsWith(SERVICE + ": cluster eu-west")
            && refusal.contains(setting)
            && refusal.contains(detail),
        "the error should name the cluster, " + setting + " and " + detail + ", was: " + refusal);
    assertFalse(
        run.output().contains("\tat "),
        "a refusal is one line, not a stack trace:\n" + run.output());
  }

  /** A profile file for eu-west with these TLS files (null: not set). */
  private Path profile(String name, Path serverCa, Path clientCert, Path clientKey)
      throws IOException {
    ClusterEndpoint euWest = clusters.second().endpoint();
    StringBuilder toml =
        new StringBuilder(
            "[profile.eu-west]\naddress = \""
                + euWest.address()
                + "\"\nnamespace = \""
                + euWest.namespace()
                + "\"\n\n[profile.eu-west.tls]\nserver_ca_cert_path = \""
                + serverCa.toAbsolutePath()
                + "\"\n");
    if (clientCert != null) {
      toml.append("client_cert_path = \"")
          .append(clientCert.toAbsolutePath())
          .append("\"\n")
          .append("client_key_path = \"")
          .append(clientKey.toAbsolutePath())
          .append("\"\n");
    }
    Path file = workDir.resolve(name + ".toml");
    Files.writeString(file, toml);
    return file;
  }

  private record ServiceRun(int exitCode, String output) {}

  /**
   * Runs the service with {@code profile} until it exits, or — when {@code readyLine} is given —
   * until it prints that line (then stops it). Two minutes at most.
   */
  private ServiceRun runService(String name, Path profile, String readyLine)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                SERVICE_MAIN,
                "--http-port",
                "0"));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve(name + ".log").toFile());
    builder
        .environment()
        .keySet()
        .removeIf(
            variable ->
                variable.startsWith("TEMPORAL_")
                    || variable.startsWith("XCLUSTER_")
                    || variable.startsWith("OTEL_"));
    builder.environment().put("TEMPORAL_CONFIG_FILE", profile.toString());
    Process process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    try {
      while (process.isAlive() && System.nanoTime() < deadline) {
        if (readyLine != null
            && Files.readString(workDir.resolve(name + ".log")).contains(readyLine)) {
          break;
        }
        Thread.sleep(200);
      }
    } finally {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      }
    }
    return new ServiceRun(process.exitValue(), Files.readString(workDir.resolve(name + ".log")));
  }
}
