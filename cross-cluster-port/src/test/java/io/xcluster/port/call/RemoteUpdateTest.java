package io.xcluster.port.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RemoteUpdateTest {

  private static final CallId CALL = new CallId("us-east", "order-1", "fulfillment");
  private static final RemoteTarget TARGET =
      new RemoteTarget(
          "eu-west", "default", "FulfillmentWorkflow", "fulfillment", Duration.ofHours(1));

  @Test
  void aQueryIsDroppedOnlyOnceItsCallerStoppedWaitingAndTheClockSlackHasPassed() {
    RemoteUpdate query = query().answeredBy(10_000);

    assertFalse(query.callerGaveUpBefore(9_000));
    assertFalse(query.callerGaveUpBefore(10_000 + RemoteUpdate.CLOCK_SLACK_MILLIS));
    assertTrue(query.callerGaveUpBefore(10_001 + RemoteUpdate.CLOCK_SLACK_MILLIS));
  }

  @Test
  void aForwardWithoutDeadlineIsNeverDroppedAndKeepsItsIdWhenItGetsOne() {
    RemoteUpdate update =
        RemoteUpdate.of(CALL, TARGET, "change-address", "k1", NullNode.getInstance());

    assertNull(update.answerBy());
    assertFalse(update.callerGaveUpBefore(Long.MAX_VALUE));
    assertEquals(update.updateId(), update.answeredBy(1).updateId());
  }

  @Test
  void theDeadlineTravelsAndAMessageWithoutOneStillReads() {
    RemoteUpdate query = query().answeredBy(1_234);

    assertEquals(
        1_234L, CallPayloads.fromBytes(CallPayloads.toBytes(query), RemoteUpdate.class).answerBy());
    String older = new String(CallPayloads.toBytes(query)).replace(",\"answerBy\":1234", "");
    assertNull(CallPayloads.fromBytes(older.getBytes(), RemoteUpdate.class).answerBy());
  }

  private static RemoteUpdate query() {
    return RemoteUpdate.of(
        RemoteUpdate.Kind.QUERY, CALL, TARGET, "notes", "q-1", NullNode.getInstance());
  }
}
