package io.xcluster.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.Map;

/** A route's whole answer: status, headers and a body already encoded. */
public record HttpReply(int status, String contentType, byte[] body, Map<String, String> headers) {

  public HttpReply {
    headers = Map.copyOf(headers);
  }

  /** {@code body} as {@code application/json}. */
  public static HttpReply json(int status, Object body) {
    return encoded(status, "application/json", body);
  }

  public static HttpReply problem(Problem problem) {
    return encoded(problem.status(), Problem.CONTENT_TYPE, problem);
  }

  public HttpReply withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new HttpReply(status, contentType, body, more);
  }

  private static HttpReply encoded(int status, String contentType, Object body) {
    try {
      return new HttpReply(
          status, contentType, ServiceHttpServer.JSON.writeValueAsBytes(body), Map.of());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot encode a " + body.getClass().getSimpleName() + " as JSON", e);
    }
  }
}
