package io.xcluster.port.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.port.call.CallPayloads;
import org.junit.jupiter.api.Test;

class CallWaitingNoticeTest {

  private static final String CALL = "us-east:order-1:fulfillment";

  @Test
  void theLaterAttemptStandsWhateverTheClocksOfTheRelaysSay() {
    CallWaitingNotice second = new CallWaitingNotice(CALL, "breaker open", true, 2, 9_000, 9_500L);
    CallWaitingNotice thirdFromASlowClock =
        new CallWaitingNotice(CALL, "eu-west did not answer", false, 3, 1_000, 2_000L);

    assertTrue(thirdFromASlowClock.isNewerThan(second));
    assertFalse(second.isNewerThan(thirdFromASlowClock));
  }

  @Test
  void withinOneAttemptTheLaterNoticeStandsAndATieGoesToTheEndOfTheWait() {
    CallWaitingNotice blocked = new CallWaitingNotice(CALL, "cap reached", true, 4, 5_000, 6_000L);
    CallWaitingNotice later = new CallWaitingNotice(CALL, "breaker open", true, 4, 5_001, 7_000L);
    CallWaitingNotice over = CallWaitingNotice.wentThrough(CALL, 4, 5_000);

    assertTrue(later.isNewerThan(blocked));
    assertTrue(over.isNewerThan(blocked));
    assertFalse(blocked.isNewerThan(over));
  }

  @Test
  void theWireFormHasOnlyTheRecordsFields() {
    // Temporal's data converter refuses unknown fields: a helper serialized as one would make
    // every worker drop the signal
    String json = new String(CallPayloads.toBytes(CallWaitingNotice.wentThrough(CALL, 2, 1)));

    assertFalse(json.contains("endsTheWait") || json.contains("newerThan"), json);
    assertEquals(
        CallWaitingNotice.wentThrough(CALL, 2, 1),
        CallPayloads.fromBytes(json.getBytes(), CallWaitingNotice.class));
  }
}
