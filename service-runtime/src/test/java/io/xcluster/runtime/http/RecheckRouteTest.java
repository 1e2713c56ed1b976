package io.xcluster.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.xcluster.port.remote.LostStartRecheck;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecheckRouteTest {

  private final AtomicInteger rechecks = new AtomicInteger();
  private final RecheckRoute route =
      new RecheckRoute(
          () -> {
            rechecks.incrementAndGet();
            return new LostStartRecheck.Result(200, 100, 1);
          });

  @Test
  void aPostRechecksAndAnswersWhatWasReissued() throws Exception {
    HttpReply reply = route.handle(new HttpCall("POST", RecheckRoute.PATH, Map.of(), new byte[0]));

    assertEquals(200, reply.status());
    assertEquals(1, rechecks.get());
    JsonNode body = ServiceHttpServer.JSON.readTree(reply.body());
    assertEquals(200, body.path("checked").asInt());
    assertEquals(100, body.path("reissued").asInt());
    assertEquals(1, body.path("unreadable").asInt());
  }

  @Test
  void aGetChangesNothingAndSaysToPost() {
    HttpReply reply = route.handle(new HttpCall("GET", RecheckRoute.PATH, Map.of(), new byte[0]));

    assertEquals(405, reply.status());
    assertEquals("POST", reply.headers().get("Allow"));
    assertTrue(new String(reply.body(), StandardCharsets.UTF_8).contains("use POST"));
    assertEquals(0, rechecks.get());
  }
}
