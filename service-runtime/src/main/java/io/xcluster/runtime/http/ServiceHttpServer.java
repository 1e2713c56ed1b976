package io.xcluster.runtime.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.xcluster.runtime.config.ConfigException;
import java.io.IOException;
import java.net.BindException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The process's HTTP server: {@code GET /healthz} (liveness), {@code GET /readyz} (readiness, 503
 * until connected and once stopping), each at that path only, and whatever routes the service adds
 * — the order service's API. Every answer, the server's own errors included, is JSON; errors are
 * problem+json.
 *
 * <p>Why Jetty's core rather than the JDK's {@code HttpServer}: the JDK server reads a request body
 * on the handler's thread with no read deadline (a client that stalls mid-body holds a worker for
 * as long as it likes), has no connection cap on Java 17, and answers malformed requests with its
 * own HTML. Jetty reads without threads, and every limit here is its own setting ({@link
 * HttpLimits}).
 */
public final class ServiceHttpServer implements AutoCloseable {

  public static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  /**
   * Health probes (and metric scrapes) run here, apart from any API, so a busy API never fails a
   * liveness probe.
   */
  public static final RoutePool HEALTH_POOL = new RoutePool("health", 2, 32);

  static final RoutePool DEFAULT_POOL = new RoutePool("http", 4, 64);

  private final Server server;
  private final ServerConnector connector;
  private final RouteDispatcher dispatcher;
  private final HeadReadDeadline headDeadline;
  private final HttpLimits limits;

  private ServiceHttpServer(
      Server server,
      ServerConnector connector,
      RouteDispatcher dispatcher,
      HeadReadDeadline headDeadline,
      HttpLimits limits) {
    this.server = server;
    this.connector = connector;
    this.dispatcher = dispatcher;
    this.headDeadline = headDeadline;
    this.limits = limits;
  }

  /**
   * Binds {@code host:port} (port 0: any free port, see {@link #port()}) with the default limits
   * and serves the health endpoints.
   *
   * @throws ConfigException naming {@code hostSetting} / {@code portSetting} when the address
   *     cannot be bound
   */
  public static ServiceHttpServer start(
      String host, int port, ServiceHealth health, String hostSetting, String portSetting) {
    return start(host, port, health, hostSetting, portSetting, HttpLimits.DEFAULTS);
  }

  public static ServiceHttpServer start(
      String host,
      int port,
      ServiceHealth health,
      String hostSetting,
      String portSetting,
      HttpLimits limits) {
    return start(host, port, health, hostSetting, portSetting, limits, server -> {});
  }

  /**
   * As {@link #start(String, int, ServiceHealth, String, String, HttpLimits)}, with {@code
   * moreRoutes} mounted before the port opens: no request ever finds them missing.
   */
  public static ServiceHttpServer start(
      String host,
      int port,
      ServiceHealth health,
      String hostSetting,
      String portSetting,
      HttpLimits limits,
      java.util.function.Consumer<ServiceHttpServer> moreRoutes) {
    if (port < 0 || port > 65535) {
      // else the connector's own complaint would be reported against the host setting
      throw ConfigException.invalid(portSetting, port, "not a port (0 to 65535, 0 = any free)");
    }
    // few threads: they only parse and write; routes block on their own pools
    QueuedThreadPool threads = new QueuedThreadPool(16, 4);
    threads.setName("http-io");
    threads.setDaemon(true);
    Server server = new Server(threads);
    // no graceful wait: by the time the server stops, the process has drained its workers and
    // answered what it could
    server.setStopTimeout(0);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setRequestHeaderSize(limits.maxHeadBytes());
    // dispatch as soon as the headers are in, so the body deadline runs even if no byte follows
    http.setDelayDispatchUntilContent(false);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
    server.setErrorHandler(new ProblemErrorHandler());
    RouteDispatcher dispatcher = new RouteDispatcher(limits, server.getScheduler());
    server.setHandler(dispatcher);
    HeadReadDeadline headDeadline =
        new HeadReadDeadline(connector, server.getScheduler(), limits.headDeadline());
    ServiceHttpServer started =
        new ServiceHttpServer(server, connector, dispatcher, headDeadline, limits);
    started.endpoint(
        "/healthz",
        HEALTH_POOL,
        call -> call.isRead() ? HttpReply.json(200, Map.of("status", "alive")) : getOnly(call));
    started.endpoint(
        "/readyz", HEALTH_POOL, call -> call.isRead() ? readiness(health) : getOnly(call));
    moreRoutes.accept(started);
    try {
      server.start();
    } catch (BindException e) {
      started.closeRoutes();
      stopQuietly(server);
      throw ConfigException.invalid(
          portSetting, port, "cannot listen on " + host + ":" + port + ": " + e.getMessage());
    } catch (Exception e) {
      started.closeRoutes();
      stopQuietly(server);
      Throwable cause =
          e instanceof IOException && e.getCause() instanceof BindException bind ? bind : e;
      if (cause instanceof BindException) {
        throw ConfigException.invalid(
            portSetting, port, "cannot listen on " + host + ":" + port + ": " + cause.getMessage());
      }
      throw ConfigException.invalid(
          hostSetting, host, "cannot listen on " + host + ":" + port + ": " + e.getMessage());
    }
    headDeadline.start();
    return started;
  }

  /**
   * Serves {@code route} under {@code pathPrefix} (the path itself and everything below it) on a
   * small shared pool.
   */
  public void route(String pathPrefix, HttpRoute route) {
    route(pathPrefix, DEFAULT_POOL, route);
  }

  /**
   * Serves {@code route} under {@code pathPrefix} on threads of its own; when they and their queue
   * are full, 503.
   */
  public void route(String pathPrefix, RoutePool pool, HttpRoute route) {
    mount(pathPrefix, true, pool, route);
  }

  /**
   * Serves {@code route} at {@code path} only, on threads of its own: a path below it (e.g. {@code
   * /healthz/x}) is a 404, not an answer a client or probe could take for this one.
   */
  public void endpoint(String path, RoutePool pool, HttpRoute route) {
    mount(path, false, pool, route);
  }

  private void mount(String path, boolean andBelow, RoutePool pool, HttpRoute route) {
    ExecutorService executor =
        dispatcher.mounted().stream()
            .filter(mounted -> mounted.pool() instanceof NamedPool named && named.pool.equals(pool))
            .map(RouteDispatcher.Mounted::pool)
            .findFirst()
            .orElseGet(() -> new NamedPool(pool));
    dispatcher.mount(new RouteDispatcher.Mounted(path, andBelow, executor, pool.maxWait(), route));
  }

  public int port() {
    return connector.getLocalPort();
  }

  public HttpLimits limits() {
    return limits;
  }

  private static HttpReply readiness(ServiceHealth health) {
    ServiceHealth.Readiness readiness = health.readiness();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", readiness.status());
    Map<String, String> checks = new LinkedHashMap<>();
    readiness.checks().forEach((name, up) -> checks.put(name, up ? "up" : "down"));
    body.put("checks", checks);
    Map<String, String> details = health.details();
    if (!details.isEmpty()) {
      body.put("details", details);
    }
    return HttpReply.json(readiness.ready() ? 200 : 503, body);
  }

  /** The 405 every read-only route answers to anything but GET (and HEAD). */
  public static HttpReply getOnly(HttpCall call) {
    return methodNotAllowed(call, "GET");
  }

  /** The 405 a route answers to a method other than {@code allowed}. */
  public static HttpReply methodNotAllowed(HttpCall call, String allowed) {
    return HttpReply.problem(
            Problem.of(
                405,
                "method-not-allowed",
                "Method not allowed",
                call.method() + " is not supported here; use " + allowed))
        .withHeader("Allow", allowed);
  }

  @Override
  public void close() {
    headDeadline.stop();
    stopQuietly(server);
    closeRoutes();
  }

  private void closeRoutes() {
    List<ExecutorService> pools =
        dispatcher.mounted().stream().map(RouteDispatcher.Mounted::pool).distinct().toList();
    pools.forEach(ExecutorService::shutdownNow);
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception ignored) {
      // stopping is best effort: the process is on its way out
    }
  }

  /** A route pool: fixed threads, a bounded queue, and rejection (a 503) beyond it. */
  private static final class NamedPool extends ThreadPoolExecutor {

    private final RoutePool pool;

    NamedPool(RoutePool pool) {
      super(
          pool.threads(),
          pool.threads(),
          30,
          TimeUnit.SECONDS,
          pool.queued() == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(pool.queued()),
          threadsNamed(pool.name()));
      this.pool = pool;
      if (pool.queued() == 0) {
        setRejectedExecutionHandler(NamedPool::handOverOrRefuse);
      }
      prestartAllCoreThreads(); // a first request must not count thread start-up as time waited
    }

    /**
     * Without a queue a request is handed straight to an idle thread, and a thread counts as idle
     * only once it waits for work again: a thread just started, or just done with the request
     * before, is not there yet for a moment, and a loaded machine made that moment long enough to
     * refuse a request to an idle pool (a flaky 503 in SlowClientsTest). Waiting that moment out
     * costs a busy pool's refusals at most {@link #HAND_OVER_WAIT_MILLIS}.
     */
    private static void handOverOrRefuse(Runnable task, ThreadPoolExecutor executor) {
      try {
        if (!executor.isShutdown()
            && executor.getQueue().offer(task, HAND_OVER_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new java.util.concurrent.RejectedExecutionException(
          "route pool " + executor + " has no idle thread");
    }

    static final long HAND_OVER_WAIT_MILLIS = 100;

    private static java.util.concurrent.ThreadFactory threadsNamed(String name) {
      AtomicInteger count = new AtomicInteger();
      return runnable -> {
        Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      };
    }
  }
}
