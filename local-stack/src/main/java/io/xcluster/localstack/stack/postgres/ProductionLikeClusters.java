package io.xcluster.localstack.stack.postgres;

import io.xcluster.runtime.lifecycle.StopSequence;
import io.xcluster.testkit.tls.TestCertificates;
import io.xcluster.testkit.tools.ToolBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * The two clusters of the production-like stack: one PostgreSQL instance holding both clusters'
 * databases, a certificate authority and certificates made for this run, and two full Temporal
 * servers on it with mTLS frontends. Processes of the stack connect through the Temporal profile
 * file written beside them ({@link #profileFile()}), exactly as a deployed service would.
 */
public final class ProductionLikeClusters implements AutoCloseable {

  /** The schema tool the stack needs besides temporal-server and PostgreSQL. */
  public static final ToolBinary SCHEMA_TOOL = TemporalSchemaTool.BINARY;

  private final StopSequence stopOrder =
      new StopSequence(problem -> System.err.println("production-like stack: " + problem));
  private LocalPostgres postgres;
  private TestCertificates pki;
  private TemporalPostgresServer first;
  private TemporalPostgresServer second;
  private Path profileFile;

  private ProductionLikeClusters() {}

  /**
   * Starts PostgreSQL and clusters {@code firstName} and {@code secondName} with their files under
   * {@code workDir}; a port of 0 picks a free one. On failure stops what was started.
   */
  public static ProductionLikeClusters start(
      String firstName, int firstPort, String secondName, int secondPort, Path workDir) {
    ProductionLikeClusters clusters = new ProductionLikeClusters();
    try {
      clusters.startAll(firstName, firstPort, secondName, secondPort, workDir);
      return clusters;
    } catch (RuntimeException e) {
      clusters.close();
      throw e;
    }
  }

  private void startAll(
      String firstName, int firstPort, String secondName, int secondPort, Path workDir) {
    try {
      pki = TestCertificates.createIn(workDir.resolve("tls").toAbsolutePath());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot create the stack's certificates under "
              + workDir.resolve("tls")
              + ": "
              + e.getMessage(),
          e);
    }
    postgres = LocalPostgres.start(workDir.resolve("postgres"));
    stopOrder.add(postgres);
    TemporalSchemaTool schema =
        TemporalSchemaTool.against(postgres, workDir.resolve("postgres").resolve("schema.log"));
    first = TemporalPostgresServer.start(firstName, firstPort, postgres, schema, pki, workDir);
    stopOrder.add(first);
    second = TemporalPostgresServer.start(secondName, secondPort, postgres, schema, pki, workDir);
    stopOrder.add(second);
    profileFile = workDir.resolve("temporal-profiles.toml").toAbsolutePath();
    try {
      TemporalProfileFile.write(profileFile, first.endpoint(), second.endpoint());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + profileFile, e);
    }
  }

  public TemporalPostgresServer first() {
    return first;
  }

  public TemporalPostgresServer second() {
    return second;
  }

  public LocalPostgres postgres() {
    return postgres;
  }

  /** The run's CA, server and client certificates. */
  public TestCertificates certificates() {
    return pki;
  }

  /**
   * A Temporal profile file ({@code TEMPORAL_CONFIG_FILE}) with one profile per cluster, named
   * after it, with its TLS files.
   */
  public Path profileFile() {
    return profileFile;
  }

  /** Stops both servers, then PostgreSQL. */
  @Override
  public void close() {
    stopOrder.close();
  }
}
