package io.xcluster.runtime.lifecycle;

import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.runtime.cli.ServiceOptions;
import io.xcluster.runtime.config.ConfigException;
import io.xcluster.runtime.config.TemporalProfiles;
import io.xcluster.runtime.config.TemporalProfiles.ResolvedCluster;
import io.xcluster.runtime.http.HttpLimits;
import io.xcluster.runtime.http.ServiceHttpServer;
import io.xcluster.runtime.logging.ServiceLogging;
import io.xcluster.runtime.metrics.ServiceMetrics;
import io.xcluster.tracing.ServiceTracing;
import java.time.Duration;
import java.util.Map;

/**
 * The start of every service's {@code main}, in two steps so that bad configuration stops the
 * process before it binds a port or dials a cluster: {@link #configure} (logs, profiles), then
 * {@link #run} (the process and its HTTP server).
 */
public final class ServiceStart {

  private final String service;
  private final ServiceOptions options;
  private final Map<String, String> env;
  private final TemporalProfiles profiles;
  private final ServiceTracing tracing;

  private ServiceStart(
      String service,
      ServiceOptions options,
      Map<String, String> env,
      TemporalProfiles profiles,
      ServiceTracing tracing) {
    this.service = service;
    this.options = options;
    this.env = env;
    this.profiles = profiles;
    this.tracing = tracing;
  }

  /**
   * Sets up logging and reads the Temporal profiles; throws {@link ConfigException} on bad
   * settings.
   */
  public static ServiceStart configure(String service, ServiceOptions options) {
    Map<String, String> env = System.getenv();
    ServiceLogging.configure(env);
    // empty, Jetty would bind every interface: the API and POST /calls/recheck open to all
    ConfigException.requireText("--http-host / XCLUSTER_HTTP_HOST", options.httpHost);
    if (options.shutdownGrace.isNegative()) {
      throw ConfigException.invalid(
          "--shutdown-grace / XCLUSTER_SHUTDOWN_GRACE",
          options.shutdownGrace,
          "must not be negative");
    }
    if (options.connectTimeout.isNegative() || options.connectTimeout.isZero()) {
      throw ConfigException.invalid(
          "--connect-timeout / XCLUSTER_CONNECT_TIMEOUT",
          options.connectTimeout,
          "must be positive");
    }
    TemporalProfiles profiles = TemporalProfiles.load(options.temporalConfigFile, env);
    ServiceTracing tracing;
    try {
      tracing = ServiceTracing.fromEnvironment(service);
    } catch (RuntimeException badOtelSetting) {
      throw new ConfigException(
          "OpenTelemetry settings (OTEL_*) are invalid: " + badOtelSetting.getMessage(),
          badOtelSetting);
    }
    return new ServiceStart(service, options, env, profiles, tracing);
  }

  public TemporalProfiles profiles() {
    return profiles;
  }

  public Map<String, String> env() {
    return env;
  }

  /**
   * Starts the process (SIGTERM handling) and its HTTP server on {@code --http-port}; health is
   * served from here on.
   */
  public Running run() {
    return run(options.httpPort);
  }

  /** As {@link #run()}, on {@code httpPort}. */
  public Running run(int httpPort) {
    if (httpPort < 0 || httpPort > 65_535) {
      throw ConfigException.invalid(
          "--http-port / XCLUSTER_HTTP_PORT",
          httpPort,
          "not a port number (0-65535, 0 = any free port)");
    }
    ServiceProcess process = new ServiceProcess(service, options.shutdownGrace);
    ServiceMetrics metrics = ServiceMetrics.start(service);
    ServiceHttpServer http;
    try {
      http =
          ServiceHttpServer.start(
              options.httpHost,
              httpPort,
              process.health(),
              "--http-host / XCLUSTER_HTTP_HOST",
              "--http-port / XCLUSTER_HTTP_PORT",
              HttpLimits.DEFAULTS,
              metrics::serveOn);
    } catch (RuntimeException cannotListen) {
      metrics.close();
      throw cannotListen;
    }
    process.handleSigterm();
    process.onStop(tracing);
    process.onStop(metrics); // steps stop last-added first: the port closes before the registry
    process.onStop(http);
    process
        .log()
        .info(
            "{} starting; health on http://{}:{}/healthz and /readyz, metrics on /metrics;"
                + " Temporal profiles from {}",
            service,
            options.httpHost,
            http.port(),
            profiles.file() == null ? "built-in defaults (no profile file)" : profiles.file());
    return new Running(process, http, tracing, metrics, options.connectTimeout);
  }

  /**
   * A started process, its HTTP server, its tracing (flushed last on stop) and its metrics.
   *
   * @param connectTimeout how long one attempt to reach a cluster may take ({@code
   *     --connect-timeout})
   */
  public record Running(
      ServiceProcess process,
      ServiceHttpServer http,
      ServiceTracing tracing,
      ServiceMetrics metrics,
      Duration connectTimeout) {

    /**
     * Connects to {@code cluster} with this service's tracing, retrying while it is unreachable
     * (live but not ready meanwhile), after logging where its settings came from.
     *
     * @param role what the cluster is to this service, for the log ("calling", "target", "home")
     */
    public ClusterConnection connect(String role, ResolvedCluster cluster) {
      logOrigin(role, cluster);
      return process.connect(
          cluster.endpoint(),
          connectTimeout,
          tracing.temporalInterceptors().withMetrics(metrics.temporalScope()));
    }

    /**
     * For a cluster this service sends work to and does not itself need (a bridge's target): tried
     * once, never waited for (down, it is connected to on first use), reported in the readiness
     * details without deciding readiness ({@link ServiceProcess#connectRemote}).
     */
    public ClusterConnection connectRemote(String role, ResolvedCluster cluster) {
      logOrigin(role, cluster);
      return process.connectRemote(
          cluster.endpoint(),
          connectTimeout,
          tracing.temporalInterceptors().withMetrics(metrics.temporalScope()));
    }

    private void logOrigin(String role, ResolvedCluster cluster) {
      process
          .log()
          .info(
              "{} cluster {} at {} (from {})",
              role,
              cluster.endpoint().name(),
              cluster.endpoint().address(),
              cluster.origin());
    }

    /**
     * Serves until SIGTERM / Ctrl-C, then stops everything registered; the exit code of the
     * service's main.
     */
    public int serveUntilStopped() {
      process.runUntilStopped();
      return 0;
    }
  }
}
