package io.xcluster.runtime.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.xcluster.runtime.config.ConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process's HTTP server (the JDK's own): {@code GET /healthz} (liveness), {@code GET /readyz}
 * (readiness, 503 until connected and once stopping) and whatever routes the service adds — the
 * order service's API. A small fixed pool serves requests: nothing here blocks for long.
 */
public final class ServiceHttpServer implements AutoCloseable {

  public static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private final HttpServer server;
  private final ExecutorService executor;

  private ServiceHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds {@code host:port} (port 0: any free port, see {@link #port()}) and serves the health endpoints.
   *
   * @throws ConfigException naming {@code hostSetting} / {@code portSetting} when the address cannot be bound
   */
  public static ServiceHttpServer start(String host, int port, ServiceHealth health, String hostSetting, String portSetting) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 64);
    } catch (BindException e) {
      throw ConfigException.invalid(portSetting, port, "cannot listen on " + host + ":" + port + ": " + e.getMessage());
    } catch (IOException | IllegalArgumentException e) {
      throw ConfigException.invalid(hostSetting, host, "cannot listen on " + host + ":" + port + ": " + e.getMessage());
    }
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
      Thread thread = new Thread(runnable, "http-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.createContext("/healthz", exchange -> {
      if (!allowGet(exchange)) {
        return;
      }
      respond(exchange, 200, Map.of("status", "alive"));
    });
    server.createContext("/readyz", exchange -> {
      if (!allowGet(exchange)) {
        return;
      }
      ServiceHealth.Readiness readiness = health.readiness();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", readiness.status());
      Map<String, String> checks = new LinkedHashMap<>();
      readiness.checks().forEach((name, up) -> checks.put(name, up ? "up" : "down"));
      body.put("checks", checks);
      respond(exchange, readiness.ready() ? 200 : 503, body);
    });
    server.start();
    return new ServiceHttpServer(server, executor);
  }

  /** Serves {@code handler} under {@code pathPrefix}. */
  public void route(String pathPrefix, HttpHandler handler) {
    server.createContext(pathPrefix, handler);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Writes {@code body} as JSON with {@code status}. */
  public static void respond(HttpExchange exchange, int status, Object body) throws IOException {
    respond(exchange, status, "application/json", body);
  }

  /** Writes {@code body} as JSON of {@code contentType} with {@code status}. */
  public static void respond(HttpExchange exchange, int status, String contentType, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static boolean allowGet(HttpExchange exchange) throws IOException {
    if (exchange.getRequestMethod().equals("GET")) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", "GET");
    byte[] none = "method not allowed\n".getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(405, none.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(none);
    }
    return false;
  }

  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
  }
}
