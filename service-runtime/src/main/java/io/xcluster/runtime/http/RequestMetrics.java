package io.xcluster.runtime.http;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code xcluster_http_server_requests_seconds{route, method, status}}: every answered request,
 * with label values a client cannot multiply (the route is the mounted prefix, never the path; an
 * unknown method counts as {@code other}).
 */
final class RequestMetrics {

  static final String NAME = "xcluster.http.server.requests";

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  private RequestMetrics() {}

  static void record(String route, String method, int status, long startedNanos) {
    Timer.builder(NAME)
        .description("HTTP requests answered, by route, method and status")
        .tag("route", route)
        .tag(
            "method",
            METHODS.contains(method.toUpperCase(Locale.ROOT))
                ? method.toUpperCase(Locale.ROOT)
                : "other")
        .tag("status", Integer.toString(status))
        .register(Metrics.globalRegistry)
        .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }
}
