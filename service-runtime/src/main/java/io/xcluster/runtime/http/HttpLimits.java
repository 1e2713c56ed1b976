package io.xcluster.runtime.http;

import java.time.Duration;

/**
 * What a service's HTTP server accepts from one client. Requests are read without a worker thread,
 * so a slow client costs a connection slot for at most these deadlines, never an API thread.
 *
 * @param maxConnections connections served at once; further clients wait in the accept queue
 * @param headDeadline from a request's first byte (or a new connection) to the end of its headers
 * @param bodyDeadline from the end of the headers to the end of the body; later is a 408
 * @param idleTimeout a connection on which no byte moves for this long is closed
 * @param maxHeadBytes the request line plus headers; more is a 431
 * @param maxBodyBytes a request body; more is a 413
 */
public record HttpLimits(
    int maxConnections,
    Duration headDeadline,
    Duration bodyDeadline,
    Duration idleTimeout,
    int maxHeadBytes,
    int maxBodyBytes) {

  /** Orders are a few hundred bytes and arrive in one packet: seconds are generous, not tight. */
  public static final HttpLimits DEFAULTS =
      new HttpLimits(
          512,
          Duration.ofSeconds(5),
          Duration.ofSeconds(5),
          Duration.ofSeconds(15),
          8 * 1024,
          64 * 1024);

  public HttpLimits {
    positive("maxConnections", maxConnections);
    positive("headDeadline", headDeadline);
    positive("bodyDeadline", bodyDeadline);
    positive("idleTimeout", idleTimeout);
    positive("maxHeadBytes", maxHeadBytes);
    positive("maxBodyBytes", maxBodyBytes);
  }

  public HttpLimits withDeadlines(Duration head, Duration body) {
    return new HttpLimits(maxConnections, head, body, idleTimeout, maxHeadBytes, maxBodyBytes);
  }

  public HttpLimits withMaxConnections(int connections) {
    return new HttpLimits(
        connections, headDeadline, bodyDeadline, idleTimeout, maxHeadBytes, maxBodyBytes);
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException("HTTP limit " + name + " must be positive, was " + value);
    }
  }

  private static void positive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          "HTTP limit " + name + " must be a positive duration, was " + value);
    }
  }
}
