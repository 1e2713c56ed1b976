package io.xcluster.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.euwest.fulfillment.workflow.FulfillmentRequest;
import io.xcluster.region.euwest.fulfillment.workflow.OrderLine;
import io.xcluster.transport.bridge.BridgeTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every benchmark variant really has the fulfillment done — else the benchmark would time nothing.
 */
class BenchVariantsTest {

  @Test
  void childNexusAndBridgeProbesEachReturnATrackingNumber() throws Exception {
    assertEveryVariantFulfils(
        new StackOptions(
            0, 0, BridgeTransport.NAME, Duration.ofHours(48), SimulationSettings.INSTANT));
  }

  static void assertEveryVariantFulfils(StackOptions options) throws Exception {
    try (LocalStack stack = LocalStack.start(options, step -> {})) {
      WorkflowClient usEast = BenchRunProbes.prepare(stack);
      NexusPeer.start(stack, options.clusters());
      for (ProbeRequest request :
          List.of(
              probe(ProbeVia.CHILD, null),
              probe(ProbeVia.NEXUS, null),
              probe(ProbeVia.TRANSPORT, new BridgeTransport().routeTo(LocalStack.EU_WEST)))) {
        WorkflowStub stub =
            usEast.newUntypedWorkflowStub(
                "FulfillmentProbeWorkflow",
                WorkflowOptions.newBuilder()
                    .setWorkflowId("probe-" + request.via())
                    .setTaskQueue(FulfillmentProbeWorkflow.TASK_QUEUE)
                    .build());
        stub.start(request);
        try {
          assertEquals(
              "TRK-DE-" + request.fulfillment().orderId(),
              stub.getResult(30, TimeUnit.SECONDS, String.class),
              request.via().name());
        } catch (Exception e) {
          throw new AssertionError(
              request.via()
                  + ": "
                  + e
                  + "\n"
                  + usEast.fetchHistory("probe-" + request.via()).toJson(true),
              e);
        }
      }
    }
  }

  private static ProbeRequest probe(ProbeVia via, io.xcluster.port.spi.CallRoute route) {
    return new ProbeRequest(
        via,
        route,
        "fulfillment",
        new FulfillmentRequest("order-" + via, List.of(new OrderLine("SKU-001", 1)), "DE"));
  }
}
