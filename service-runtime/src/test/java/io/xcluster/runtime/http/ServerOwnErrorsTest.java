package io.xcluster.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the server answers before any route runs is problem+json too, never an HTML page. */
class ServerOwnErrorsTest {

  private static ServiceHttpServer server;

  @BeforeAll
  static void start() {
    server =
        ServiceHttpServer.start("127.0.0.1", 0, new ServiceHealth(), "--http-host", "--http-port");
    server.route(
        "/things",
        call -> {
          throw new IllegalStateException("a bug");
        });
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String raw(String request) throws Exception {
    try (RawHttp client = new RawHttp(server.port())) {
      return client.send(request).readUntilClosed();
    }
  }

  private static JsonNode problemIn(String answer, int status) throws Exception {
    assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), answer);
    assertTrue(answer.toLowerCase().contains("content-type: application/problem+json"), answer);
    JsonNode problem =
        ServiceHttpServer.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
    assertEquals(status, problem.path("status").asInt(), answer);
    return problem;
  }

  @Test
  void badPercentEncodingIsAProblem400() throws Exception {
    JsonNode problem =
        problemIn(raw("GET /things/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400);

    assertEquals("urn:xcluster:problem:bad-request", problem.path("type").asText());
  }

  @Test
  void headersOverTheLimitAreAProblem431() throws Exception {
    String huge = "X-Big: " + "a".repeat(HttpLimits.DEFAULTS.maxHeadBytes() + 10) + "\r\n";

    JsonNode problem =
        problemIn(
            raw("GET /healthz HTTP/1.1\r\nHost: x\r\n" + huge + "Connection: close\r\n\r\n"), 431);

    assertEquals("urn:xcluster:problem:headers-too-large", problem.path("type").asText());
  }

  @Test
  void anUnknownPathIsAProblem404() throws Exception {
    JsonNode problem =
        problemIn(raw("GET /nothing-here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 404);

    assertEquals("urn:xcluster:problem:not-found", problem.path("type").asText());
  }

  @Test
  void aRouteThatThrowsIsAProblem500() throws Exception {
    HttpResponse<String> failed =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/things/1"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertEquals(500, failed.statusCode());
    assertEquals(Problem.CONTENT_TYPE, failed.headers().firstValue("Content-Type").orElse(""));
  }

  @Test
  void headIsAnsweredWithHeadersOnly() throws Exception {
    String answer = raw("HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
    assertTrue(answer.endsWith("\r\n\r\n"), "a HEAD answer carries no body: " + answer);
  }
}
