package io.xcluster.port.cluster;

import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.interceptors.WorkflowClientInterceptor;
import java.util.List;

/**
 * Cross-cutting behaviour added to a cluster connection at the composition root (tracing, say):
 * interceptors for its client and for the workers created from it.
 */
public record ConnectionInterceptors(
    List<WorkflowClientInterceptor> client, List<WorkerInterceptor> worker) {

  public static final ConnectionInterceptors NONE =
      new ConnectionInterceptors(List.of(), List.of());

  public ConnectionInterceptors {
    client = List.copyOf(client);
    worker = List.copyOf(worker);
  }
}
