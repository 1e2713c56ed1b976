package io.xcluster.port.cluster;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
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

  private ClusterConnection(ClusterEndpoint endpoint, WorkflowServiceStubs stubs) {
    this.endpoint = endpoint;
    this.stubs = stubs;
    this.client =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace(endpoint.namespace()).build());
  }

  /** Connects and health-checks, or fails with one {@link ClusterUnreachableException} naming the address. */
  public static ClusterConnection open(ClusterEndpoint endpoint, Duration connectTimeout) {
    WorkflowServiceStubsOptions options =
        WorkflowServiceStubsOptions.newBuilder().setTarget(endpoint.address()).build();
    try {
      return new ClusterConnection(endpoint, WorkflowServiceStubs.newConnectedServiceStubs(options, connectTimeout));
    } catch (RuntimeException e) {
      throw new ClusterUnreachableException(endpoint, e);
    }
  }

  public static ClusterConnection open(ClusterEndpoint endpoint) {
    return open(endpoint, DEFAULT_CONNECT_TIMEOUT);
  }

  public ClusterEndpoint endpoint() {
    return endpoint;
  }

  public WorkflowClient client() {
    return client;
  }

  public WorkerFactory newWorkerFactory() {
    return newWorkerFactory(WorkerFactoryOptions.getDefaultInstance());
  }

  public WorkerFactory newWorkerFactory(WorkerFactoryOptions options) {
    return WorkerFactory.newInstance(client, options);
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
