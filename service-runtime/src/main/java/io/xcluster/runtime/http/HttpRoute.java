package io.xcluster.runtime.http;

/**
 * What a service answers under a path. It runs on the route's own bounded pool with the request
 * already read, so it may block on its backends (a cluster call) but never on a client.
 */
@FunctionalInterface
public interface HttpRoute {

  HttpReply handle(HttpCall call) throws Exception;
}
