package io.xcluster.port.cluster;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.interceptors.WorkflowClientInterceptor;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.Duration;

/**
 * A live connection to one cluster: the one place where endpoint → service stubs →
 * {@link WorkflowClient} → {@link WorkerFactory} is wired, for every composition root.
 */
public final class ClusterConnection implements AutoCloseable {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final ClusterEndpoint endpoint;
  private final WorkflowServiceStubs stubs;
  private final WorkflowClient client;
  private final ConnectionInterceptors interceptors;

  private ClusterConnection(ClusterEndpoint endpoint, WorkflowServiceStubs stubs, ConnectionInterceptors interceptors) {
    this.endpoint = endpoint;
    this.stubs = stubs;
    this.interceptors = interceptors;
    this.client =
        WorkflowClient.newInstance(
            stubs,
            WorkflowClientOptions.newBuilder()
                .setNamespace(endpoint.namespace())
                .setInterceptors(interceptors.client().toArray(new WorkflowClientInterceptor[0]))
                .build());
  }

  /** Connects and health-checks, or fails with one {@link ClusterUnreachableException} naming the address. */
  public static ClusterConnection open(ClusterEndpoint endpoint, Duration connectTimeout, ConnectionInterceptors interceptors) {
    WorkflowServiceStubsOptions options =
        WorkflowServiceStubsOptions.newBuilder().setTarget(endpoint.address()).build();
    try {
      return new ClusterConnection(endpoint, WorkflowServiceStubs.newConnectedServiceStubs(options, connectTimeout), interceptors);
    } catch (RuntimeException e) {
      throw new ClusterUnreachableException(endpoint, e);
    }
  }

  public static ClusterConnection open(ClusterEndpoint endpoint, Duration connectTimeout) {
    return open(endpoint, connectTimeout, ConnectionInterceptors.NONE);
  }

  public static ClusterConnection open(ClusterEndpoint endpoint, ConnectionInterceptors interceptors) {
    return open(endpoint, DEFAULT_CONNECT_TIMEOUT, interceptors);
  }

  public static ClusterConnection open(ClusterEndpoint endpoint) {
    return open(endpoint, DEFAULT_CONNECT_TIMEOUT, ConnectionInterceptors.NONE);
  }

  public ClusterEndpoint endpoint() {
    return endpoint;
  }

  public WorkflowClient client() {
    return client;
  }

  /** A worker factory whose workers carry this connection's worker interceptors. */
  public WorkerFactory newWorkerFactory() {
    return WorkerFactory.newInstance(
        client,
        WorkerFactoryOptions.newBuilder()
            .setWorkerInterceptors(interceptors.worker().toArray(new WorkerInterceptor[0]))
            .build());
  }

  /** Drops the connection at once, as a killed process would. */
  public void closeNow() {
    stubs.shutdownNow();
  }

  @Override
  public void close() {
    stubs.shutdown();
  }
}
