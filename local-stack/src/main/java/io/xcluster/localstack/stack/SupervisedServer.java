package io.xcluster.localstack.stack;

import io.xcluster.testkit.process.SupervisedProcess;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A server the stack runs as a supervised process (a Temporal dev server, a full cluster, one on
 * PostgreSQL): what the fault drills do to any of them — stop it gently, start it again, find its
 * pid and log — in one place.
 */
public abstract class SupervisedServer implements AutoCloseable {

  private final SupervisedProcess process;
  private final String metricsAddress;

  protected SupervisedServer(SupervisedProcess process, String metricsAddress) {
    this.process = process;
    this.metricsAddress = metricsAddress;
  }

  /**
   * Where the server's Prometheus metrics are scraped ({@code http://<this>/metrics}), or null when
   * it exposes none.
   */
  public String metricsAddress() {
    return metricsAddress;
  }

  /**
   * Stops the server gently (SIGTERM), as an operator would; {@link #startAgain()} brings it back.
   */
  public void stop() {
    process.stop(Duration.ofSeconds(20));
  }

  /** Starts it again on the same ports and data, waiting until it serves. */
  public void startAgain() {
    process.startAgain();
  }

  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return process.logFile();
  }

  @Override
  public void close() {
    process.stop();
  }
}
