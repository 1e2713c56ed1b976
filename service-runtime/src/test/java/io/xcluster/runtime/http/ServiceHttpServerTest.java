package io.xcluster.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.runtime.config.ConfigException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ServiceHttpServerTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> get(ServiceHttpServer server, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readyOnlyOnceStartedWithEveryCheckUpAndNotAnyMoreWhenStopping() throws Exception {
    ServiceHealth health = new ServiceHealth();
    AtomicBoolean clusterUp = new AtomicBoolean(true);
    health.require("cluster us-east", clusterUp::get);
    try (ServiceHttpServer server =
        ServiceHttpServer.start("127.0.0.1", 0, health, "--http-host", "--http-port")) {
      HttpResponse<String> starting = get(server, "/readyz");
      assertEquals(503, starting.statusCode());
      assertTrue(starting.body().contains("\"status\":\"starting\""), starting.body());

      health.started();
      HttpResponse<String> ready = get(server, "/readyz");
      assertEquals(200, ready.statusCode(), ready.body());
      assertEquals("{\"status\":\"ready\",\"checks\":{\"cluster us-east\":\"up\"}}", ready.body());

      clusterUp.set(false);
      Thread.sleep(1_100); // checks are cached for a second
      HttpResponse<String> down = get(server, "/readyz");
      assertEquals(503, down.statusCode());
      assertTrue(down.body().contains("\"cluster us-east\":\"down\""), down.body());

      health.stopping();
      assertEquals(503, get(server, "/readyz").statusCode());
      assertEquals(200, get(server, "/healthz").statusCode(), "a draining process is still alive");
    }
  }

  @Test
  void anObservedRemoteClusterIsReportedInTheDetailsAndDoesNotDecideReadiness() throws Exception {
    // a bridge: its own (calling) cluster gates readiness, the target it sends work to does not
    ServiceHealth health = new ServiceHealth();
    AtomicBoolean callingUp = new AtomicBoolean(true);
    AtomicBoolean targetUp = new AtomicBoolean(true);
    health.require("cluster us-east", callingUp::get);
    health.observe("cluster eu-west", targetUp::get);
    health.started();
    try (ServiceHttpServer server =
        ServiceHttpServer.start("127.0.0.1", 0, health, "--http-host", "--http-port")) {
      HttpResponse<String> ready = get(server, "/readyz");
      assertEquals(200, ready.statusCode(), ready.body());
      assertEquals(
          "{\"status\":\"ready\",\"checks\":{\"cluster us-east\":\"up\"},"
              + "\"details\":{\"cluster eu-west\":\"up\"}}",
          ready.body());

      targetUp.set(false);
      Thread.sleep(1_100); // observed checks are cached for a second, like the checks
      HttpResponse<String> targetDown = get(server, "/readyz");
      assertEquals(200, targetDown.statusCode(), "eu-west down is eu-west's: " + targetDown.body());
      assertEquals(
          "{\"status\":\"ready\",\"checks\":{\"cluster us-east\":\"up\"},"
              + "\"details\":{\"cluster eu-west\":\"down\"}}",
          targetDown.body());

      callingUp.set(false);
      Thread.sleep(1_100);
      HttpResponse<String> callingDown = get(server, "/readyz");
      assertEquals(503, callingDown.statusCode(), callingDown.body());
      assertTrue(callingDown.body().contains("\"cluster us-east\":\"down\""), callingDown.body());
    }
  }

  @Test
  void anObservedClusterThatHangsDoesNotHoldTheReadinessProbe() throws Exception {
    // a target cluster that drops packets: its health check hangs for seconds (probe timeout: 3 s)
    ServiceHealth health = new ServiceHealth();
    health.require("cluster us-east", () -> true);
    CountDownLatch released = new CountDownLatch(1);
    health.observe(
        "cluster eu-west",
        () -> {
          try {
            released.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return false;
        });
    health.started();
    try (ServiceHttpServer server =
        ServiceHttpServer.start("127.0.0.1", 0, health, "--http-host", "--http-port")) {
      for (int probe = 0; probe < 3; probe++) {
        long started = System.nanoTime();
        HttpResponse<String> ready = get(server, "/readyz");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"cluster eu-west\":\"unknown\""), ready.body());
        assertTrue(tookMillis < 2_000, "the probe waited " + tookMillis + " ms");
      }
      released.countDown();
      Thread.sleep(1_100);
      HttpResponse<String> answered = get(server, "/readyz");
      assertEquals(200, answered.statusCode(), answered.body());
      assertTrue(answered.body().contains("\"cluster eu-west\":\"down\""), answered.body());
    } finally {
      released.countDown();
    }
  }

  @Test
  void healthEndpointsAnswerOnlyGet() throws Exception {
    try (ServiceHttpServer server =
        ServiceHttpServer.start(
            "127.0.0.1", 0, new ServiceHealth(), "--http-host", "--http-port")) {
      HttpResponse<String> post =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertEquals(405, post.statusCode());
      assertEquals("GET", post.headers().firstValue("Allow").orElse(""));
      assertEquals(Problem.CONTENT_TYPE, post.headers().firstValue("Content-Type").orElse(""));
    }
  }

  @Test
  void aPathBelowAHealthEndpointIsNotFoundWhileARoutesOwnPathsAreServed() throws Exception {
    try (ServiceHttpServer server =
        ServiceHttpServer.start(
            "127.0.0.1", 0, new ServiceHealth(), "--http-host", "--http-port")) {
      server.route("/orders", call -> HttpReply.json(200, java.util.Map.of("path", call.path())));

      for (String below : new String[] {"/healthz/anything", "/readyz/x", "/healthz/"}) {
        HttpResponse<String> answer = get(server, below);

        assertEquals(404, answer.statusCode(), below + ": " + answer.body());
        assertEquals(Problem.CONTENT_TYPE, answer.headers().firstValue("Content-Type").orElse(""));
        assertTrue(answer.body().contains("urn:xcluster:problem:not-found"), answer.body());
      }
      assertEquals(200, get(server, "/healthz").statusCode());
      assertEquals(200, get(server, "/orders/ord-1").statusCode(), "a route serves below itself");
    }
  }

  @Test
  void aPortInUseStopsStartUpNamingTheSetting() {
    try (ServiceHttpServer first =
        ServiceHttpServer.start(
            "127.0.0.1", 0, new ServiceHealth(), "--http-host", "--http-port")) {
      ConfigException taken =
          assertThrows(
              ConfigException.class,
              () ->
                  ServiceHttpServer.start(
                      "127.0.0.1",
                      first.port(),
                      new ServiceHealth(),
                      "--http-host",
                      "--http-port"));

      assertTrue(
          taken
              .getMessage()
              .startsWith(
                  "--http-port='" + first.port() + "': cannot listen on 127.0.0.1:" + first.port()),
          taken.getMessage());
    }
  }

  @Test
  void aPortOutOfRangeIsBlamedOnThePortSettingNotTheHost() {
    ConfigException refused =
        assertThrows(
            ConfigException.class,
            () ->
                ServiceHttpServer.start(
                    "127.0.0.1", 99999, new ServiceHealth(), "--http-host", "--http-port"));

    assertEquals(
        "--http-port='99999': not a port (0 to 65535, 0 = any free)", refused.getMessage());
  }
}
