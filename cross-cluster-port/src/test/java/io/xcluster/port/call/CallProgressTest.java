package io.xcluster.port.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CallProgressTest {

  private static CallProgress report(String call, long sequence, String progress) {
    return new CallProgress(call, sequence, CallPayloads.encode(progress), 0);
  }

  @Test
  void aLaterReportIsNewerWhateverOrderTheyArriveIn() {
    CallProgress first = report("us-east:order-1:fulfillment", 1, "picking");
    CallProgress second = report("us-east:order-1:fulfillment", 2, "shipping");

    assertTrue(second.isNewerThan(first));
    assertFalse(first.isNewerThan(second));
    assertFalse(second.isNewerThan(second), "a repeated report is not newer");
    assertTrue(first.isNewerThan(null));
  }

  @Test
  void survivesTheWireAndDecodesIntoTheCallersType() {
    CallProgress sent = report("us-east:order-1:fulfillment", 3, "shipped");

    CallProgress received = CallPayloads.fromBytes(CallPayloads.toBytes(sent), CallProgress.class);

    assertEquals(sent, received);
    assertEquals("shipped", received.progressAs(String.class));
    assertEquals(Optional.of(new CallId("us-east", "order-1", "fulfillment")), received.callId());
  }

  @Test
  void aReportFromARunThatIsNoCallNamesNoCall() {
    assertEquals(Optional.empty(), report("not-a-call", 1, "x").callId());
  }

  @Test
  void numbersStartAtOne() {
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> report("us-east:o:f", 0, "x"));
    assertTrue(refused.getMessage().contains("sequence"), refused.getMessage());
  }
}
