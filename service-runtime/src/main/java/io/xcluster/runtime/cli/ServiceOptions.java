package io.xcluster.runtime.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Settings every service process has: where its health (and API) server listens, timeouts, the
 * profile file.
 */
public final class ServiceOptions {

  /**
   * Set by {@link ServiceCommandLine} to the service's own default port before the flags are
   * parsed.
   */
  static final String DEFAULT_PORT_PROPERTY = "xcluster.http.default-port";

  @Option(
      names = "--http-port",
      defaultValue = "${env:XCLUSTER_HTTP_PORT:-${sys:" + DEFAULT_PORT_PROPERTY + "}}",
      description =
          "Port of the HTTP server (health endpoints, and the API where there is one), 0 for any free port"
              + " (env XCLUSTER_HTTP_PORT, default: ${DEFAULT-VALUE}).")
  public int httpPort;

  @Option(
      names = "--http-host",
      defaultValue = "${env:XCLUSTER_HTTP_HOST:-127.0.0.1}",
      description =
          "Address the HTTP server (health endpoints, API) binds; 0.0.0.0 in a container (env XCLUSTER_HTTP_HOST, default: ${DEFAULT-VALUE}).")
  public String httpHost;

  @Option(
      names = "--temporal-config-file",
      description =
          "Temporal profile file (TOML, as the Temporal CLI reads it) with one [profile.<cluster>] per cluster"
              + " (env TEMPORAL_CONFIG_FILE, default: ~/.config/temporalio/temporal.toml when it exists).")
  public String temporalConfigFile;

  @Option(
      names = "--connect-timeout",
      defaultValue = "${env:XCLUSTER_CONNECT_TIMEOUT:-10s}",
      description =
          "How long each connection attempt to a cluster may take, e.g. 10s or PT10S; attempts repeat until it answers"
              + " (env XCLUSTER_CONNECT_TIMEOUT, default: ${DEFAULT-VALUE}).")
  public Duration connectTimeout;

  @Option(
      names = "--shutdown-grace",
      defaultValue = "${env:XCLUSTER_SHUTDOWN_GRACE:-30s}",
      description =
          "On SIGTERM, how long workers may finish the tasks they hold, e.g. 30s; keep it below the pod's"
              + " terminationGracePeriodSeconds (env XCLUSTER_SHUTDOWN_GRACE, default: ${DEFAULT-VALUE}).")
  public Duration shutdownGrace;
}
