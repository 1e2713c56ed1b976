package io.xcluster.runtime.http;

/**
 * The threads a route's handler runs on, and how many requests may wait for one; beyond that the
 * server answers 503 with {@code Retry-After} at once (shedding, not queueing without bound).
 *
 * @param name thread name prefix, e.g. {@code orders-api}
 */
public record RoutePool(String name, int threads, int queued) {

  public RoutePool {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("route pool name is missing");
    }
    if (threads <= 0) {
      throw new IllegalArgumentException("route pool " + name + ": threads must be positive, was " + threads);
    }
    if (queued < 0) {
      throw new IllegalArgumentException("route pool " + name + ": queued must not be negative, was " + queued);
    }
  }
}
