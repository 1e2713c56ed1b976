package io.xcluster.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerMetricsTest {

  private static final String BEFORE =
      """
      # HELP service_requests service_requests counter
      # TYPE service_requests counter
      service_requests{namespace="default",operation="RecordActivityTaskHeartbeat",service_name="frontend"} 100
      service_requests{namespace="default",operation="StartWorkflowExecution",service_name="frontend"} 10
      service_requests{namespace="default",operation="RecordActivityTaskHeartbeat",service_name="history"} 100
      task_latency_load_sum{namespace="default",operation="TransferActiveTaskWorkflowTask",service_name="history",task_type="TransferActiveTaskWorkflowTask"} 1.0
      task_latency_load_count{namespace="default",operation="TransferActiveTaskWorkflowTask",service_name="history",task_type="TransferActiveTaskWorkflowTask"} 10
      task_latency_load_sum{namespace="temporal_system",operation="TransferActiveTaskWorkflowTask",service_name="history",task_type="TransferActiveTaskWorkflowTask"} 50
      task_latency_load_count{namespace="temporal_system",operation="TransferActiveTaskWorkflowTask",service_name="history",task_type="TransferActiveTaskWorkflowTask"} 1
      """;

  private static final String AFTER =
      """
      service_requests{namespace="default",operation="RecordActivityTaskHeartbeat",service_name="frontend"} 1100
      service_requests{namespace="default",operation="StartWorkflowExecution",service_name="frontend"} 30
      service_requests{namespace="default",operation="RecordActivityTaskHeartbeat",service_name="history"} 1100
      task_latency_load_sum{namespace="default",operation="TransferActiveTaskWorkflowTask",service_name="history",task_type="TransferActiveTaskWorkflowTask"} 1.5
      task_latency_load_count{namespace="default",operation="TransferActiveTaskWorkflowTask",service_name="history",task_type="TransferActiveTaskWorkflowTask"} 110
      task_latency_load_sum{namespace="temporal_system",operation="TransferActiveTaskWorkflowTask",service_name="history",task_type="TransferActiveTaskWorkflowTask"} 99
      task_latency_load_count{namespace="temporal_system",operation="TransferActiveTaskWorkflowTask",service_name="history",task_type="TransferActiveTaskWorkflowTask"} 2
      """;

  @Test
  void frontendRequestsOfAPhaseAreCountedPerOperationBusiestFirst() {
    ServerMetrics.Delta phase = ServerMetrics.parse(AFTER).since(ServerMetrics.parse(BEFORE));

    assertEquals(
        Map.of("RecordActivityTaskHeartbeat", 1000.0, "StartWorkflowExecution", 20.0),
        phase.frontendRequests(5));
    assertEquals(
        "RecordActivityTaskHeartbeat", phase.frontendRequests(1).keySet().iterator().next());
  }

  @Test
  void transferTaskLatencyIsTheMeanOverThePhaseInMillisecondsLeavingOutTheSystemNamespace() {
    ServerMetrics.Delta phase = ServerMetrics.parse(AFTER).since(ServerMetrics.parse(BEFORE));

    String line = phase.serverSide();

    assertTrue(line.startsWith("100 transfer tasks, load 5.0 ms"), line);
  }
}
