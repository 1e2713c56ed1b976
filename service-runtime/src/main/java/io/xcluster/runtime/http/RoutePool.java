package io.xcluster.runtime.http;

import java.time.Duration;

/**
 * The threads a route's handler runs on, how many requests may wait for one, and for how long;
 * beyond either the server answers 503 with {@code Retry-After} (shedding, not queueing without
 * bound: a request that waited its client's patience away is not worth starting).
 *
 * @param name thread name prefix, e.g. {@code orders-api}
 * @param maxWait a request that waited longer than this for a thread is answered 503 instead of run
 */
public record RoutePool(String name, int threads, int queued, Duration maxWait) {

  /** A pool whose queued requests may wait up to a second. */
  public RoutePool(String name, int threads, int queued) {
    this(name, threads, queued, Duration.ofSeconds(1));
  }

  public RoutePool {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("route pool name is missing");
    }
    if (threads <= 0) {
      throw new IllegalArgumentException(
          "route pool " + name + ": threads must be positive, was " + threads);
    }
    if (queued < 0) {
      throw new IllegalArgumentException(
          "route pool " + name + ": queued must not be negative, was " + queued);
    }
    if (maxWait == null || maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException(
          "route pool " + name + ": maxWait must be a positive duration, was " + maxWait);
    }
  }
}
