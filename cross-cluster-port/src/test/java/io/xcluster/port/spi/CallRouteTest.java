package io.xcluster.port.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Routes are recorded in histories by Temporal's data converter; those written with the old boolean
 * must still read.
 */
class CallRouteTest {

  private static final DataConverter CONVERTER = DataConverter.getDefaultInstance();

  @Test
  void routeRecordedWithTheBooleanTrueReadsAsReturnedByActivity() {
    CallRoute route =
        read(
            "{\"transport\":\"scripted\",\"taskQueue\":\"scripted-transport\",\"heartbeatTimeout\":\"PT30S\",\"outcomeByActivity\":true}");

    assertEquals(
        new CallRoute(
            "scripted",
            "scripted-transport",
            Duration.ofSeconds(30),
            OutcomeProtocol.RETURNED_BY_ACTIVITY),
        route);
  }

  @Test
  void routeRecordedWithTheBooleanFalseReadsAsSignaledAfterHandover() {
    CallRoute route =
        read(
            "{\"transport\":\"scripted\",\"taskQueue\":\"scripted-transport\",\"heartbeatTimeout\":\"PT30S\",\"outcomeByActivity\":false}");

    assertEquals(OutcomeProtocol.SIGNALED_AFTER_HANDOVER, route.protocol());
  }

  @Test
  void routeRoundTripsWithItsProtocolByName() {
    CallRoute route =
        new CallRoute(
            "bridge",
            "bridge-to-eu-west",
            Duration.ofSeconds(30),
            OutcomeProtocol.RETURNED_OR_SIGNALED);

    Payload payload = CONVERTER.toPayload(route).orElseThrow();
    String json = payload.getData().toString(StandardCharsets.UTF_8);

    assertEquals(route, CONVERTER.fromPayload(payload, CallRoute.class, CallRoute.class));
    assertEquals(
        "{\"transport\":\"bridge\",\"taskQueue\":\"bridge-to-eu-west\",\"heartbeatTimeout\":\"PT30S\",\"protocol\":\"RETURNED_OR_SIGNALED\"}",
        json);
  }

  @Test
  void routeWithoutAnyProtocolIsRefusedNamingBothFields() {
    RuntimeException e =
        assertThrows(
            RuntimeException.class,
            () -> read("{\"transport\":\"x\",\"taskQueue\":\"q\",\"heartbeatTimeout\":\"PT30S\"}"));
    assertFalse(rootMessage(e).isEmpty());
    assertEquals("recorded route names neither protocol nor outcomeByActivity", rootMessage(e));
  }

  @Test
  void onlyTheHeartbeatLessProtocolsLeaveTheOutcomeToASignal() {
    assertFalse(OutcomeProtocol.RETURNED_BY_ACTIVITY.allowsHandover());
    assertEquals(true, OutcomeProtocol.RETURNED_OR_SIGNALED.allowsHandover());
    assertFalse(OutcomeProtocol.SIGNALED_AFTER_HANDOVER.activityMayHoldTheCall());
  }

  private static CallRoute read(String json) {
    Payload payload =
        CONVERTER.toPayload(json).orElseThrow().toBuilder()
            .setData(com.google.protobuf.ByteString.copyFromUtf8(json))
            .build();
    return CONVERTER.fromPayload(payload, CallRoute.class, CallRoute.class);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return Optional.ofNullable(t.getMessage()).orElse("");
  }
}
