package io.xcluster.port.cluster;

import com.uber.m3.tally.NoopScope;
import com.uber.m3.tally.Scope;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.interceptors.WorkflowClientInterceptor;
import java.util.List;

/**
 * Cross-cutting behaviour added to a cluster connection at the composition root: interceptors for
 * its client and for the workers created from it (tracing, say), and the scope the Temporal SDK
 * reports its client and worker metrics to (none unless the process serves metrics).
 */
public record ConnectionInterceptors(
    List<WorkflowClientInterceptor> client, List<WorkerInterceptor> worker, Scope metrics) {

  public static final ConnectionInterceptors NONE =
      new ConnectionInterceptors(List.of(), List.of());

  public ConnectionInterceptors {
    client = List.copyOf(client);
    worker = List.copyOf(worker);
    metrics = metrics == null ? new NoopScope() : metrics;
  }

  public ConnectionInterceptors(
      List<WorkflowClientInterceptor> client, List<WorkerInterceptor> worker) {
    this(client, worker, null);
  }

  /** The same interceptors, with the SDK's metrics reported to {@code scope}. */
  public ConnectionInterceptors withMetrics(Scope scope) {
    return new ConnectionInterceptors(client, worker, scope);
  }
}
