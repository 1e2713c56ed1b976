package io.xcluster.runtime.lifecycle;

import io.xcluster.runtime.cli.ServiceCommandLine;
import io.xcluster.runtime.cli.ServiceOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * What every service's main shares: picocli reads the flags (the subclass's own and {@link
 * ServiceOptions}), configuration is checked before anything is bound or dialled ({@link
 * ServiceStart#configure}), and a bad setting ends the process with one line and exit code 2. A
 * subclass says what the service does in {@link #serve}.
 */
public abstract class ServiceMain implements Callable<Integer> {

  /** The settings every service has: HTTP, shutdown grace, connect timeout, Temporal profiles. */
  @Mixin protected ServiceOptions service;

  private final String serviceName;
  private final int defaultHttpPort;

  /**
   * @param serviceName the service's name in traces and logs
   * @param defaultHttpPort its HTTP port unless XCLUSTER_HTTP_PORT or --http-port says otherwise
   */
  protected ServiceMain(String serviceName, int defaultHttpPort) {
    this.serviceName = serviceName;
    this.defaultHttpPort = defaultHttpPort;
  }

  /** Parses {@code args} and runs the service until it stops; the process's exit code. */
  public final int execute(String... args) {
    return ServiceCommandLine.execute(serviceName, defaultHttpPort, this, args);
  }

  @Override
  public final Integer call() {
    return serve(ServiceStart.configure(serviceName, service));
  }

  /**
   * Runs the service: {@code start.run()}, connect, start workers, then {@code
   * serveUntilStopped()}.
   */
  protected abstract int serve(ServiceStart start);
}
