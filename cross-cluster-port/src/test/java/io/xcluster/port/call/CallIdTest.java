package io.xcluster.port.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CallIdTest {

  @Test
  void wireFormIsSourceClusterWorkflowIdAndOperation() {
    assertEquals(
        "us-east:order-42:fulfillment", new CallId("us-east", "order-42", "fulfillment").value());
  }

  @Test
  void parseKeepsColonsInsideTheWorkflowId() {
    CallId id = CallId.parse("us-east:tenant:7:order-42:fulfillment");

    assertEquals("us-east", id.sourceCluster());
    assertEquals("tenant:7:order-42", id.sourceWorkflowId());
    assertEquals("fulfillment", id.operation());
    assertEquals(id, CallId.parse(id.value()));
  }

  @Test
  void colonInClusterOrOperationIsRejectedWithTheSegmentName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new CallId("us:east", "order-1", "op"));
    assertTrue(e.getMessage().contains("sourceCluster"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new CallId("us-east", "order-1", "a:b"));
  }

  @Test
  void malformedWireFormIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CallId.parse("only-one:colon"));
    assertTrue(e.getMessage().contains("sourceCluster:sourceWorkflowId:operation"), e.getMessage());
  }

  @Test
  void completedOutcomeDecodesIntoTheCallersType() {
    record Shipment(String trackingNumber) {}
    CallOutcome outcome = CallOutcome.completed(CallPayloads.encode(new Shipment("TRK-1")));

    assertEquals("TRK-1", outcome.resultOrThrow(Shipment.class).trackingNumber());
  }
}
