package io.xcluster.runtime.http;

import java.util.Locale;
import java.util.Map;

/**
 * One request, read completely before a route sees it (within {@link HttpLimits}), so a route never
 * waits for a client.
 *
 * @param path the decoded path, e.g. {@code /orders/ord-1}
 * @param headers the first value of each header, by lower-case name
 */
public record HttpCall(String method, String path, Map<String, String> headers, byte[] body) {

  public HttpCall {
    headers = Map.copyOf(headers);
    body = body == null ? new byte[0] : body;
  }

  /** The first value of header {@code name} (any case), or null. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** GET and HEAD ask for the same answer; HEAD's body is dropped on the way out. */
  public boolean isRead() {
    return method.equals("GET") || method.equals("HEAD");
  }
}
