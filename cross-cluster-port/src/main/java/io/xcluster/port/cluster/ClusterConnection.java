package io.xcluster.port.cluster;

import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.interceptors.WorkflowClientInterceptor;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLException;

/**
 * A live connection to one cluster: the one place where endpoint → service stubs → {@link
 * WorkflowClient} → {@link WorkerFactory} is wired, for every composition root.
 */
public final class ClusterConnection implements AutoCloseable {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * At most this many threads run a connection's gRPC callbacks, named {@code
   * grpc-callbacks-<cluster>-<n>} ({@link GrpcCallbackThreads}).
   */
  public static final int GRPC_CALLBACK_THREADS = GrpcCallbackThreads.SIZE;

  /**
   * How often a channel that lost its cluster skips gRPC's reconnect back-off and tries again (the
   * SDK's default: every 10 s): with the polls waiting for the channel ({@link
   * PollsWaitForTheCluster}), this bounds how long a worker stays idle after the cluster or the
   * link is back. A connection attempt every second while a cluster is down costs next to nothing.
   */
  static final Duration RECONNECT_AT_LEAST_EVERY = Duration.ofSeconds(1);

  private final ClusterEndpoint endpoint;
  private final WorkflowServiceStubs stubs;
  private final WorkflowClient client;
  private final ConnectionInterceptors interceptors;
  private final UntilFirstAnswer firstAnswer; // null: the cluster answered when connecting

  private ClusterConnection(
      ClusterEndpoint endpoint,
      WorkflowServiceStubs stubs,
      ConnectionInterceptors interceptors,
      UntilFirstAnswer firstAnswer) {
    this.endpoint = endpoint;
    this.stubs = stubs;
    this.interceptors = interceptors;
    this.firstAnswer = firstAnswer;
    List<WorkflowClientInterceptor> clientInterceptors =
        new java.util.ArrayList<>(interceptors.client());
    if (firstAnswer != null) {
      firstAnswer.ask(stubs);
      clientInterceptors.add(0, firstAnswer);
    }
    this.client =
        WorkflowClient.newInstance(
            stubs,
            WorkflowClientOptions.newBuilder()
                .setNamespace(endpoint.namespace())
                .setInterceptors(clientInterceptors.toArray(new WorkflowClientInterceptor[0]))
                .build());
  }

  /**
   * Connects and health-checks, or fails with one {@link ClusterUnreachableException} naming the
   * address — or, when the TLS handshake was refused (a client certificate from another CA, none
   * where the frontend requires one, a frontend certificate this side does not trust), with an
   * {@link IllegalArgumentException} naming the TLS setting to fix.
   */
  public static ClusterConnection open(
      ClusterEndpoint endpoint, Duration connectTimeout, ConnectionInterceptors interceptors) {
    WorkflowServiceStubsOptions options =
        stubsOptions(
            endpoint, interceptors); // bad TLS files: IllegalArgumentException, not "unreachable"
    try {
      return new ClusterConnection(
          endpoint,
          WorkflowServiceStubs.newConnectedServiceStubs(options, connectTimeout),
          interceptors,
          null);
    } catch (RuntimeException e) {
      // a refused certificate is a setting to fix, not an outage to wait out
      TlsRefusal.explain(endpoint, e)
          .ifPresent(
              refusal -> {
                throw new IllegalArgumentException(refusal, e);
              });
      throw new ClusterUnreachableException(endpoint, e);
    }
  }

  /**
   * A connection that has not dialled yet: its channel connects on the first request and again
   * after every loss, so a cluster that is down now is no obstacle to building it. Until the
   * cluster has answered once, its client's calls are refused at once as {@code UNAVAILABLE}
   * ({@link UntilFirstAnswer} says why), each asking it again; from then on a request made while it
   * does not answer fails {@code UNAVAILABLE} (or its deadline passes), as on a connection that
   * lost its cluster later. Task polls wait for it ({@link PollsWaitForTheCluster}). A worker
   * factory of this connection needs the cluster at {@code start()} (it describes the namespace).
   *
   * @param askTimeout how long one attempt to get the cluster's first answer may take
   * @throws IllegalArgumentException when the TLS files cannot be used, as {@link #open} does
   */
  public static ClusterConnection openLazily(
      ClusterEndpoint endpoint, Duration askTimeout, ConnectionInterceptors interceptors) {
    WorkflowServiceStubsOptions options =
        WorkflowServiceStubsOptions.newBuilder(stubsOptions(endpoint, interceptors))
            .setSystemInfoTimeout(askTimeout)
            .build();
    return new ClusterConnection(
        endpoint,
        WorkflowServiceStubs.newServiceStubs(options),
        interceptors,
        new UntilFirstAnswer(endpoint));
  }

  private static WorkflowServiceStubsOptions stubsOptions(
      ClusterEndpoint endpoint, ConnectionInterceptors interceptors) {
    Executor callbacks = GrpcCallbackThreads.forCluster(endpoint.name());
    WorkflowServiceStubsOptions.Builder options =
        WorkflowServiceStubsOptions.newBuilder()
            .setTarget(endpoint.address())
            .setChannelInitializer(channel -> channel.executor(callbacks))
            .setGrpcClientInterceptors(List.of(new PollsWaitForTheCluster()))
            .setConnectionBackoffResetFrequency(RECONNECT_AT_LEAST_EVERY)
            // a process connected to two clusters tells their requests apart by this label
            .setMetricsScope(
                interceptors.metrics().tagged(java.util.Map.of("cluster", endpoint.name())));
    ClusterTls tls = endpoint.tls();
    if (tls != null) {
      options.setSslContext(sslContext(endpoint.name(), tls));
      if (tls.serverName() != null) {
        options.setChannelInitializer(
            channel -> channel.executor(callbacks).overrideAuthority(tls.serverName()));
      }
    }
    return options.build();
  }

  /**
   * Builds the TLS context {@code endpoint} would use, without connecting, so unusable certificate
   * or key files stop start-up at once.
   *
   * @throws IllegalArgumentException saying what is wrong with the files
   */
  public static void checkTls(ClusterEndpoint endpoint) {
    if (endpoint.tls() != null) {
      sslContext(endpoint.name(), endpoint.tls());
    }
  }

  private static SslContext sslContext(String cluster, ClusterTls tls) {
    try {
      SslContextBuilder builder = GrpcSslContexts.forClient();
      if (tls.serverCaCert() != null) {
        builder.trustManager(tls.serverCaCert().toFile());
      }
      if (tls.mutual()) {
        builder.keyManager(tls.clientCert().toFile(), tls.clientKey().toFile());
      }
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cluster "
              + cluster
              + ": the TLS files cannot be used ("
              + e.getMessage()
              + "); the certificate must be PEM and the key PKCS#8 PEM",
          e);
    }
  }

  public static ClusterConnection open(ClusterEndpoint endpoint, Duration connectTimeout) {
    return open(endpoint, connectTimeout, ConnectionInterceptors.NONE);
  }

  public static ClusterConnection open(
      ClusterEndpoint endpoint, ConnectionInterceptors interceptors) {
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

  /**
   * Whether the frontend answers its health check now; for readiness probes. On a connection opened
   * lazily, whether it also answered its first request (asked again when not).
   */
  public boolean isServing() {
    boolean serving;
    try {
      serving = stubs.healthCheck().getStatus() == HealthCheckResponse.ServingStatus.SERVING;
    } catch (RuntimeException e) {
      serving = false;
    }
    return serving && (firstAnswer == null || firstAnswer.answered());
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
