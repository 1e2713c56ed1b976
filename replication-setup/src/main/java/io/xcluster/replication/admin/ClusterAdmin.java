package io.xcluster.replication.admin;

import com.google.protobuf.util.Durations;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.operatorservice.v1.AddOrUpdateRemoteClusterRequest;
import io.temporal.api.operatorservice.v1.ClusterMetadata;
import io.temporal.api.operatorservice.v1.ListClustersRequest;
import io.temporal.api.replication.v1.ClusterReplicationConfig;
import io.temporal.api.replication.v1.NamespaceReplicationConfig;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.api.workflowservice.v1.DescribeNamespaceResponse;
import io.temporal.api.workflowservice.v1.GetClusterInfoRequest;
import io.temporal.api.workflowservice.v1.GetClusterInfoResponse;
import io.temporal.api.workflowservice.v1.ListNamespacesRequest;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.api.workflowservice.v1.UpdateNamespaceRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One cluster's replication controls, over its frontend's OperatorService and WorkflowService: who
 * it is, which clusters it is linked to, its global namespaces, failover. Every server refusal
 * comes back as one {@link ReplicationException} naming what was wrong.
 */
public final class ClusterAdmin implements AutoCloseable {

  private static final Duration RPC_DEADLINE = Duration.ofSeconds(10);

  /**
   * Longer than the default cluster metadata refresh interval (1 min) of a server, plus a margin.
   */
  private static final Duration METADATA_REFRESH_WAIT = Duration.ofSeconds(75);

  /** Longer than a frontend's namespace cache refresh (10 s by default). */
  private static final Duration NAMESPACE_CACHE_WAIT = Duration.ofSeconds(20);

  private final String address;
  private final WorkflowServiceStubs workflowService;
  private final OperatorServiceStubs operatorService;
  private final ClusterIdentity identity;

  private ClusterAdmin(
      String address,
      WorkflowServiceStubs workflowService,
      OperatorServiceStubs operatorService,
      Duration deadline) {
    this.address = address;
    this.workflowService = workflowService;
    this.operatorService = operatorService;
    this.identity =
        call(
            "describe the cluster",
            () -> {
              GetClusterInfoResponse info =
                  workflowService
                      .blockingStub()
                      .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                      .getClusterInfo(GetClusterInfoRequest.getDefaultInstance());
              return new ClusterIdentity(
                  info.getClusterName(),
                  address,
                  info.getInitialFailoverVersion(),
                  info.getFailoverVersionIncrement(),
                  info.getServerVersion());
            });
  }

  /** host:port, or [IPv6]:port; the port 1-65535. */
  private static final Pattern ADDRESS =
      Pattern.compile("(?:[^:\\s\\[\\]]+|\\[[0-9A-Fa-f:.%\\w]+\\]):(\\d{1,5})");

  /**
   * Checks a frontend address before anything is connected to.
   *
   * @param what how the user gave it, e.g. the option {@code --cluster-a}
   * @throws ReplicationException INVALID naming {@code what} when it is not host:port (or
   *     [IPv6]:port) with a port from 1 to 65535
   */
  public static void requireAddress(String what, String address) {
    Matcher matcher = address == null ? null : ADDRESS.matcher(address);
    if (matcher == null || !matcher.matches()) {
      throw new ReplicationException(
          ReplicationException.Kind.INVALID,
          what + " '" + address + "' is not of the form host:port (or [IPv6]:port)");
    }
    int port = Integer.parseInt(matcher.group(1));
    if (port < 1 || port > 65535) {
      throw new ReplicationException(
          ReplicationException.Kind.INVALID,
          what + " '" + address + "': port " + port + " is outside 1-65535");
    }
  }

  /**
   * Connects to the frontend at {@code address} (host:port) and asks who it is.
   *
   * @throws ReplicationException UNREACHABLE when it does not answer within {@code timeout}
   */
  public static ClusterAdmin connect(String address, Duration timeout) {
    requireAddress("cluster address", address);
    WorkflowServiceStubs workflowService =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
    OperatorServiceStubs operatorService = null;
    try {
      operatorService =
          OperatorServiceStubs.newServiceStubs(
              OperatorServiceStubsOptions.newBuilder()
                  .setTarget(address)
                  // without a scope this SDK version fails to build the operator stubs (NPE in its
                  // metrics interceptor)
                  .setMetricsScope(new com.uber.m3.tally.NoopScope())
                  .validateAndBuildWithDefaults());
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        // each attempt may use what is left of the timeout, never more than one RPC deadline
        Duration left =
            Duration.ofNanos(
                Math.max(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(200)));
        try {
          return new ClusterAdmin(
              address,
              workflowService,
              operatorService,
              left.compareTo(RPC_DEADLINE) < 0 ? left : RPC_DEADLINE);
        } catch (ReplicationException e) {
          if (e.kind() != ReplicationException.Kind.UNREACHABLE || System.nanoTime() > deadline) {
            throw e;
          }
          sleep(Duration.ofMillis(250));
        }
      }
    } catch (RuntimeException e) {
      workflowService.shutdownNow();
      if (operatorService != null) {
        operatorService.shutdownNow();
      }
      throw e;
    }
  }

  public ClusterIdentity identity() {
    return identity;
  }

  public String name() {
    return identity.name();
  }

  public String address() {
    return address;
  }

  /** For the drill's workflow clients: the frontend's WorkflowService. */
  public WorkflowServiceStubs workflowService() {
    return workflowService;
  }

  /**
   * Adds (or updates) the cluster whose frontend is {@code remoteFrontendAddress} to this cluster's
   * metadata. With {@code enableConnection} false the link exists but carries nothing, and global
   * namespaces naming that cluster cannot be registered.
   */
  public void link(String remoteFrontendAddress, boolean enableConnection) {
    call(
        "link " + remoteFrontendAddress,
        () ->
            operatorService
                .blockingStub()
                .withDeadlineAfter(RPC_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .addOrUpdateRemoteCluster(
                    AddOrUpdateRemoteClusterRequest.newBuilder()
                        .setFrontendAddress(remoteFrontendAddress)
                        .setEnableRemoteClusterConnection(enableConnection)
                        .build()));
  }

  /** Every cluster this cluster's metadata knows, itself included. */
  public List<LinkedCluster> linkedClusters() {
    return call(
        "list the linked clusters",
        () -> {
          List<LinkedCluster> clusters = new ArrayList<>();
          for (ClusterMetadata cluster :
              operatorService
                  .blockingStub()
                  .withDeadlineAfter(RPC_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                  .listClusters(ListClustersRequest.newBuilder().setPageSize(100).build())
                  .getClustersList()) {
            clusters.add(
                new LinkedCluster(
                    cluster.getClusterName(),
                    cluster.getAddress(),
                    cluster.getInitialFailoverVersion(),
                    cluster.getIsConnectionEnabled()));
          }
          return clusters;
        });
  }

  /**
   * Registers a global namespace here — this must be the master cluster. Checks first what the
   * server would otherwise report obscurely: that every named cluster is linked, with its
   * connection enabled.
   */
  public void registerGlobalNamespace(GlobalNamespaceSpec spec) {
    List<LinkedCluster> known = linkedClusters();
    for (String cluster : spec.clusters()) {
      LinkedCluster linked =
          known.stream()
              .filter(c -> c.name().equals(cluster))
              .findFirst()
              .orElseThrow(
                  () ->
                      new ReplicationException(
                          ReplicationException.Kind.INVALID,
                          "unknown cluster '"
                              + cluster
                              + "': "
                              + name()
                              + " knows "
                              + known.stream().map(LinkedCluster::name).toList()
                              + " (link it first: replication-setup link)"));
      if (!linked.connectionEnabled()) {
        throw new ReplicationException(
            ReplicationException.Kind.INVALID,
            "cluster '"
                + cluster
                + "' is linked to "
                + name()
                + " with its connection disabled, so nothing would replicate to it;"
                + " run replication-setup link again (it enables the connection)");
      }
    }
    RegisterNamespaceRequest.Builder request =
        RegisterNamespaceRequest.newBuilder()
            .setNamespace(spec.name())
            .setIsGlobalNamespace(true)
            .setActiveClusterName(spec.activeCluster())
            .setWorkflowExecutionRetentionPeriod(Durations.fromMillis(spec.retention().toMillis()));
    spec.clusters()
        .forEach(c -> request.addClusters(ClusterReplicationConfig.newBuilder().setClusterName(c)));
    // The clusters are linked (checked above), but the server reads its cluster metadata from a
    // cache refreshed every system.clusterMetadataRefreshInterval: right after a link it still
    // says "Invalid cluster name" for a while.
    long deadline = System.nanoTime() + METADATA_REFRESH_WAIT.toNanos();
    while (true) {
      try {
        workflowService
            .blockingStub()
            .withDeadlineAfter(RPC_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
            .registerNamespace(request.build());
        return;
      } catch (StatusRuntimeException e) {
        String detail = String.valueOf(e.getStatus().getDescription());
        if (!detail.startsWith("Invalid cluster name") || System.nanoTime() > deadline) {
          throw translate("register namespace '" + spec.name() + "'", e);
        }
        sleep(Duration.ofMillis(500));
      }
    }
  }

  /** How {@code namespace} replicates, as this cluster sees it. */
  public NamespaceReplication describe(String namespace) {
    return call(
        "describe namespace '" + namespace + "'",
        () ->
            toReplication(
                workflowService
                    .blockingStub()
                    .withDeadlineAfter(RPC_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                    .describeNamespace(
                        DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build())));
  }

  /**
   * How {@code namespace} replicates here, or empty when this cluster has no such namespace (yet).
   */
  public java.util.Optional<NamespaceReplication> find(String namespace) {
    try {
      return java.util.Optional.of(
          toReplication(
              workflowService
                  .blockingStub()
                  .withDeadlineAfter(RPC_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                  .describeNamespace(
                      DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build())));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return java.util.Optional.empty();
      }
      throw translate("describe namespace '" + namespace + "'", e);
    }
  }

  /** Every global namespace this cluster has. */
  public List<NamespaceReplication> globalNamespaces() {
    return call(
        "list namespaces",
        () ->
            workflowService
                .blockingStub()
                .withDeadlineAfter(RPC_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .listNamespaces(ListNamespacesRequest.newBuilder().setPageSize(1000).build())
                .getNamespacesList()
                .stream()
                .filter(DescribeNamespaceResponse::getIsGlobalNamespace)
                .map(ClusterAdmin::toReplication)
                .toList());
  }

  /**
   * Makes {@code toCluster} the active cluster of {@code namespace}; either cluster may be asked.
   */
  public void failover(String namespace, String toCluster) {
    NamespaceReplication current = describe(namespace);
    if (!current.global()) {
      throw new ReplicationException(
          ReplicationException.Kind.INVALID,
          "namespace '" + namespace + "' is not global; only global namespaces fail over");
    }
    if (!current.clusters().contains(toCluster)) {
      throw new ReplicationException(
          ReplicationException.Kind.INVALID,
          "unknown cluster '"
              + toCluster
              + "' for namespace '"
              + namespace
              + "', which replicates to "
              + current.clusters());
    }
    UpdateNamespaceRequest request =
        UpdateNamespaceRequest.newBuilder()
            .setNamespace(namespace)
            .setReplicationConfig(
                NamespaceReplicationConfig.newBuilder().setActiveClusterName(toCluster))
            .build();
    // describe (above) reads the namespace from the database; the update goes through the
    // frontend's namespace cache, which learns of a namespace replicated a moment ago within ~10 s
    long deadline = System.nanoTime() + NAMESPACE_CACHE_WAIT.toNanos();
    while (true) {
      try {
        workflowService
            .blockingStub()
            .withDeadlineAfter(RPC_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
            .updateNamespace(request);
        return;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND || System.nanoTime() > deadline) {
          throw translate("fail namespace '" + namespace + "' over to " + toCluster, e);
        }
        sleep(Duration.ofMillis(500));
      }
    }
  }

  private static NamespaceReplication toReplication(DescribeNamespaceResponse response) {
    return new NamespaceReplication(
        response.getNamespaceInfo().getName(),
        response.getIsGlobalNamespace(),
        response.getReplicationConfig().getActiveClusterName(),
        response.getReplicationConfig().getClustersList().stream()
            .map(ClusterReplicationConfig::getClusterName)
            .toList(),
        response.getFailoverVersion(),
        response.getFailoverHistoryList().stream()
            .map(
                f ->
                    new NamespaceReplication.Failover(
                        Instant.ofEpochSecond(
                            f.getFailoverTime().getSeconds(), f.getFailoverTime().getNanos()),
                        f.getFailoverVersion()))
            .toList());
  }

  /**
   * Runs one RPC against this cluster, turning a gRPC failure into one line about {@code what} —
   * e.g. a write sent to a standby becomes "... is a standby for this namespace and rejects
   * writes".
   */
  public <T> T call(String what, Supplier<T> rpc) {
    try {
      return rpc.get();
    } catch (StatusRuntimeException e) {
      throw translate(what, e);
    }
  }

  ReplicationException translate(String what, StatusRuntimeException e) {
    String who = identity == null ? address : identity.name() + " (" + address + ")";
    String detail =
        e.getStatus().getDescription() == null
            ? e.getStatus().getCode().name()
            : e.getStatus().getDescription();
    Status.Code code = e.getStatus().getCode();
    if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
      return new ReplicationException(
          ReplicationException.Kind.UNREACHABLE,
          "cannot reach " + who + " to " + what + ": " + detail,
          e);
    }
    if (code == Status.Code.ALREADY_EXISTS) {
      return new ReplicationException(
          ReplicationException.Kind.REJECTED,
          "cannot " + what + " on " + who + ": it already exists",
          e);
    }
    if (detail.contains("is active in cluster")) {
      return new ReplicationException(
          ReplicationException.Kind.REJECTED,
          "cannot "
              + what
              + ": "
              + who
              + " is a standby for this namespace and rejects writes ("
              + detail
              + "); write to the active cluster, or fail over first",
          e);
    }
    ReplicationException.Kind kind =
        code == Status.Code.INVALID_ARGUMENT
            ? ReplicationException.Kind.INVALID
            : ReplicationException.Kind.REJECTED;
    return new ReplicationException(kind, "cannot " + what + " on " + who + ": " + detail, e);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplicationException(ReplicationException.Kind.UNREACHABLE, "interrupted", e);
    }
  }

  @Override
  public void close() {
    workflowService.shutdownNow();
    operatorService.shutdownNow();
  }
}
