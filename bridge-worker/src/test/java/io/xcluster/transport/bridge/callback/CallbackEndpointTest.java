package io.xcluster.transport.bridge.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.xcluster.port.call.CallId;
import io.xcluster.tracing.ServiceTracing;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The endpoint over real HTTP; the relay (its way into both Temporal clusters) is the system edge
 * replaced here, so that each case can count what would have been delivered.
 */
class CallbackEndpointTest {

  private static final String CALL = "us-east:order-7:fulfillment";
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  private final List<CallId> relayed = new CopyOnWriteArrayList<>();
  private final List<String> relayedInTrace = new CopyOnWriteArrayList<>();
  private final List<Instant> remoteStarts = new CopyOnWriteArrayList<>();
  private volatile OutcomeRelay.Relayed answer = OutcomeRelay.Relayed.DELIVERED;
  private final CallbackToken tokens = new CallbackToken(CallbackTokenTest.KEY);
  private final HttpClient http = HttpClient.newHttpClient();
  private CallbackEndpoint endpoint;

  @BeforeEach
  void startEndpoint() {
    CallbackSettings settings =
        CallbackSettings.listeningOn(
            URI.create("http://127.0.0.1:1/xcluster/callbacks"),
            "127.0.0.1:0",
            CallbackTokenTest.KEY,
            null);
    ServiceTracing tracing = ServiceTracing.exportingTo("bridge-worker", SpanProcessor.composite());
    endpoint =
        CallbackEndpoint.start(
            settings,
            "eu-west",
            (callId, remoteStart) -> {
              relayed.add(callId);
              if (remoteStart != null) {
                remoteStarts.add(remoteStart);
              }
              relayedInTrace.add(Span.current().getSpanContext().getTraceId());
              return answer;
            },
            Clock.fixed(NOW, ZoneOffset.UTC),
            tracing);
  }

  @AfterEach
  void stop() {
    endpoint.close();
  }

  @Test
  void aListenAddressAlreadyInUseStopsStartUpNamingTheSetting() {
    CallbackSettings taken =
        CallbackSettings.listeningOn(
            URI.create("http://127.0.0.1:1/xcluster/callbacks"),
            "127.0.0.1:" + endpoint.port(),
            CallbackTokenTest.KEY,
            null);

    io.xcluster.runtime.config.ConfigException refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.xcluster.runtime.config.ConfigException.class,
            () ->
                CallbackEndpoint.start(
                    taken,
                    "eu-west",
                    (callId, remoteStart) -> answer,
                    Clock.fixed(NOW, ZoneOffset.UTC),
                    ServiceTracing.disabled()));

    assertTrue(
        refused
            .getMessage()
            .startsWith(
                "--callback-listen / XCLUSTER_BRIDGE_CALLBACK_LISTEN='127.0.0.1:"
                    + endpoint.port()
                    + "': cannot be bound"),
        refused.getMessage());
  }

  @Test
  void callbackWithItsCallsTokenIsDeliveredOnce() throws Exception {
    HttpResponse<String> response = post(CALL, tokens.issue(CALL, NOW.plusSeconds(3600)));

    assertEquals(200, response.statusCode(), response.body());
    assertEquals(List.of(CallId.parse(CALL)), relayed);
  }

  @Test
  void theRemoteRunsStartTimeFromTemporalsHeaderReachesTheRelayForTheLatencyMetric()
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint.loopbackUrl())
            .header(CallbackEndpoint.CALL_ID_HEADER, CALL)
            .header(CallbackToken.HEADER, tokens.issue(CALL, NOW.plusSeconds(3600)))
            .header(CallbackEndpoint.START_TIME_HEADER, "Mon, 30 Nov 2026 11:58:20 GMT")
            .POST(HttpRequest.BodyPublishers.ofString("\"done\""))
            .build();
    assertEquals(200, http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());

    HttpRequest unreadable =
        HttpRequest.newBuilder(endpoint.loopbackUrl())
            .header(CallbackEndpoint.CALL_ID_HEADER, CALL)
            .header(CallbackToken.HEADER, tokens.issue(CALL, NOW.plusSeconds(3600)))
            .header(CallbackEndpoint.START_TIME_HEADER, "yesterday")
            .POST(HttpRequest.BodyPublishers.ofString("\"done\""))
            .build();
    assertEquals(200, http.send(unreadable, HttpResponse.BodyHandlers.ofString()).statusCode());

    assertEquals(List.of(Instant.parse("2026-11-30T11:58:20Z")), remoteStarts);
    assertEquals(2, relayed.size());
  }

  @Test
  void deliveryJoinsTheTraceOfTheCallThatAttachedTheCallback() throws Exception {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    HttpRequest request =
        HttpRequest.newBuilder(endpoint.loopbackUrl())
            .header(CallbackEndpoint.CALL_ID_HEADER, CALL)
            .header(CallbackToken.HEADER, tokens.issue(CALL, NOW.plusSeconds(3600)))
            .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
            .POST(HttpRequest.BodyPublishers.ofString("\"done\""))
            .build();

    assertEquals(200, http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
    assertEquals(List.of(traceId), relayedInTrace);
  }

  @Test
  void callbackWithoutTokenIsUnauthenticatedAndDeliversNothing() throws Exception {
    HttpResponse<String> response = post(CALL, null);

    assertProblem(response, 401, "callback-unauthenticated");
    assertTrue(response.body().contains("is missing"), response.body());
    assertEquals(List.of(), relayed);
  }

  @Test
  void callbackWithAnExpiredTokenIsUnauthenticatedAndDeliversNothing() throws Exception {
    HttpResponse<String> response = post(CALL, tokens.issue(CALL, NOW.minusSeconds(1)));

    assertProblem(response, 401, "callback-unauthenticated");
    assertTrue(response.body().contains("is expired"), response.body());
    assertEquals(List.of(), relayed);
  }

  @Test
  void callbackCarryingAnotherCallsTokenIsForbiddenAndDeliversNothing() throws Exception {
    HttpResponse<String> response =
        post(CALL, tokens.issue("us-east:order-8:fulfillment", NOW.plusSeconds(3600)));

    assertProblem(response, 403, "callback-forbidden");
    assertEquals(List.of(), relayed);
  }

  @Test
  void callbackWithAForgedTokenIsForbiddenAndDeliversNothing() throws Exception {
    CallbackToken forger = new CallbackToken(CallbackKey.of(new byte[32], "test"));

    HttpResponse<String> response = post(CALL, forger.issue(CALL, NOW.plusSeconds(3600)));

    assertProblem(response, 403, "callback-forbidden");
    assertEquals(List.of(), relayed);
  }

  @Test
  void anonymousClientStallingItsBodyIsRefusedWithoutHoldingAThread() throws Exception {
    try (java.net.Socket client = new java.net.Socket("127.0.0.1", endpoint.port())) {
      client.setSoTimeout(5_000);
      String head =
          "POST "
              + endpoint.loopbackUrl().getPath()
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\n";
      client.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      client.getOutputStream().write(new byte[16]); // and never the rest
      client.getOutputStream().flush();

      String statusLine =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(
                      client.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
              .readLine();

      assertEquals("HTTP/1.1 401 Unauthorized", statusLine);
    }
    assertEquals(List.of(), relayed);
  }

  @Test
  void callbackWithoutCallIdIsUnauthenticated() throws Exception {
    HttpResponse<String> response = post(null, tokens.issue(CALL, NOW.plusSeconds(3600)));

    assertProblem(response, 401, "callback-unauthenticated");
    assertEquals(List.of(), relayed);
  }

  @Test
  void clusterThatDoesNotAnswerMakesTheTargetRetry() throws Exception {
    answer = OutcomeRelay.Relayed.UNAVAILABLE;

    HttpResponse<String> response = post(CALL, tokens.issue(CALL, NOW.plusSeconds(3600)));

    assertProblem(response, 503, "callback-not-delivered");
    assertEquals("5", response.headers().firstValue("Retry-After").orElse(""));
  }

  @Test
  void onlyPostOnTheCallbackPathIsServed() throws Exception {
    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(endpoint.loopbackUrl()).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> elsewhere =
        http.send(
            HttpRequest.newBuilder(endpoint.loopbackUrl().resolve("/other"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertProblem(get, 405, "method-not-allowed");
    assertProblem(elsewhere, 404, "not-found");
    assertEquals(List.of(), relayed);
  }

  private HttpResponse<String> post(String callId, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint.loopbackUrl())
            .header("Content-Type", "application/json")
            .header("Nexus-Operation-State", "succeeded")
            .POST(HttpRequest.BodyPublishers.ofString("\"done\""));
    if (callId != null) {
      request.header(CallbackEndpoint.CALL_ID_HEADER, callId);
    }
    if (token != null) {
      request.header(CallbackToken.HEADER, token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertProblem(HttpResponse<String> response, int status, String slug) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(
        "application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
    assertTrue(
        response.body().contains("\"type\":\"urn:xcluster:problem:" + slug + "\""),
        response.body());
  }
}
