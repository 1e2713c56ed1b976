package io.xcluster.transport.bridge.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.TextNode;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.call.RemoteTarget;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentHandoversTest {

  private static CallRequest call(String order) {
    return new CallRequest(
        new CallId("us-east", order, "fulfil"),
        new RemoteTarget("eu-west", "default", "Fulfil", "fulfil", Duration.ofHours(1)),
        TextNode.valueOf(order));
  }

  @Test
  void handoversWithinTheWindowAreKeptOnceEachInTheOrderOfTheirLastHandover() {
    RecentHandovers recent = new RecentHandovers(Duration.ofMinutes(10));
    recent.add(call("order-1"));
    recent.add(call("order-2"));
    recent.add(
        call("order-1")); // the backstop handing the same call over again: its window restarts

    assertEquals(
        List.of("order-2", "order-1"),
        recent.withinWindow().stream()
            .map(request -> request.callId().sourceWorkflowId())
            .toList());
  }

  @Test
  void handoversOlderThanTheWindowAreForgotten() throws InterruptedException {
    RecentHandovers recent = new RecentHandovers(Duration.ofMillis(50));
    recent.add(call("order-old"));
    Thread.sleep(120);
    recent.add(call("order-new"));

    assertEquals(
        List.of("order-new"),
        recent.withinWindow().stream()
            .map(request -> request.callId().sourceWorkflowId())
            .toList());
  }

  @Test
  void aCallWhoseOutcomeWasDeliveredIsForgotten() {
    RecentHandovers recent = new RecentHandovers(Duration.ofMinutes(10));
    recent.add(call("order-1"));
    recent.add(call("order-2"));

    recent.forget(new CallId("us-east", "order-1", "fulfil").value());

    assertEquals(
        List.of("order-2"),
        recent.withinWindow().stream()
            .map(request -> request.callId().sourceWorkflowId())
            .toList());
  }
}
