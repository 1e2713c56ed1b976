package io.xcluster.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.xcluster.port.remote.FailoverRepair;
import io.xcluster.port.remote.LostStartRecheck;
import io.xcluster.port.spi.TransportMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RecheckRouteTest {

  private final AtomicInteger rechecks = new AtomicInteger();
  private final FailoverRepair repair =
      FailoverRepair.onRequestOnly(
          TransportMetrics.of("test", "eu-west/fulfillment"),
          () -> {
            rechecks.incrementAndGet();
            return new LostStartRecheck.Result(200, 100, 0);
          },
          Duration.ofMillis(10));
  private final RecheckRoute route = new RecheckRoute(repair);

  @AfterEach
  void close() {
    repair.close();
  }

  private JsonNode get() throws Exception {
    HttpReply reply = route.handle(new HttpCall("GET", RecheckRoute.PATH, Map.of(), new byte[0]));
    assertEquals(200, reply.status());
    return ServiceHttpServer.JSON.readTree(reply.body());
  }

  @Test
  void aPostAsksAtOnceAndAGetTellsWhatTheRecheckReissued() throws Exception {
    HttpReply asked = route.handle(new HttpCall("POST", RecheckRoute.PATH, Map.of(), new byte[0]));

    assertEquals(202, asked.status());
    long request = ServiceHttpServer.JSON.readTree(asked.body()).path("request").asLong();
    assertEquals(1, request);
    JsonNode status = get();
    while (status.path("completed").asLong() < request) {
      Thread.sleep(10);
      status = get();
    }
    assertEquals(1, rechecks.get());
    assertEquals(200, status.path("checked").asInt());
    assertEquals(100, status.path("reissued").asInt());
    assertEquals(0, status.path("unreadable").asInt());
  }

  @Test
  void beforeAnyRecheckAGetSaysNothingWasAsked() throws Exception {
    JsonNode status = get();

    assertEquals(0, status.path("requested").asLong());
    assertTrue(status.path("checked").isMissingNode());
  }

  @Test
  void anyOtherMethodChangesNothingAndSaysWhichOnesWork() {
    HttpReply reply =
        route.handle(new HttpCall("DELETE", RecheckRoute.PATH, Map.of(), new byte[0]));

    assertEquals(405, reply.status());
    assertEquals("GET, POST", reply.headers().get("Allow"));
    assertTrue(new String(reply.body(), StandardCharsets.UTF_8).contains("use GET, POST"));
    assertEquals(0, rechecks.get());
  }
}
