package io.xcluster.bench;

import com.google.protobuf.util.Durations;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
import io.temporal.api.operatorservice.v1.CreateNexusEndpointRequest;
import io.temporal.api.workflowservice.v1.RegisterNamespaceRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import io.xcluster.localstack.stack.ClusterKind;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.region.euwest.fulfillment.warehouse.SimulationSettings;
import io.xcluster.region.euwest.fulfillment.worker.FulfillmentServiceWorker;
import java.time.Duration;

/**
 * The single-cluster peer the benchmark compares against: fulfillment in a second namespace of the
 * us-east server, reached from the caller's namespace by a Nexus operation through an endpoint —
 * what a team would use instead of crossing clusters if both lived in one.
 */
final class NexusPeer {

  static final String NAMESPACE = "fulfillment-peer";
  static final String ENDPOINT = "bench-fulfillment-peer";
  static final String TASK_QUEUE = "bench-nexus";

  private NexusPeer() {}

  /**
   * The handler's namespace on {@code clusters}: a second namespace on real servers; on the
   * embedded Java test server the caller's own, since that server does not dispatch Nexus tasks to
   * another namespace (the operation stays scheduled forever).
   */
  static String handlerNamespace(ClusterKind clusters) {
    return clusters.runsServerProcesses() ? NAMESPACE : LocalStack.NAMESPACE;
  }

  /**
   * Whether the Nexus variant runs on {@code clusters}. Not on the production-like stack: a Nexus
   * operation's completion reaches the caller through the frontend's HTTP API at the URL of {@code
   * component.nexusoperations.callback.endpoint.template} (server v1.29 has no internal route), and
   * on that stack the frontend speaks mTLS only, so the server's own callback client would need a
   * client certificate of its own; not set up here.
   */
  static boolean runsOn(ClusterKind clusters) {
    return clusters != ClusterKind.POSTGRES;
  }

  /**
   * Registers the namespace (real servers), the handler workers and the endpoint on {@code stack}'s
   * us-east.
   */
  static void start(LocalStack stack, ClusterKind clusters) {
    String address = stack.usEast().endpoint().address();
    String namespace = handlerNamespace(clusters);
    if (clusters.runsServerProcesses()) {
      registerNamespace(stack);
    }
    ClusterEndpoint usEast = stack.usEast().endpoint();
    ClusterConnection peer =
        ClusterConnection.open(
            new ClusterEndpoint("us-east-" + namespace, address, namespace, usEast.tls()));
    stack.stopWithStack(peer::closeNow);
    // embedded: the baseline's fulfillment worker in "default" serves it
    if (clusters.runsServerProcesses()) {
      WorkerFactory fulfillment = FulfillmentServiceWorker.start(peer, SimulationSettings.INSTANT);
      stack.stopWithStack(fulfillment::shutdownNow);
    }
    WorkerFactory handler = peer.newWorkerFactory();
    handler
        .newWorker(TASK_QUEUE)
        .registerNexusServiceImplementation(new FulfillmentNexusServiceImpl());
    handler.start();
    stack.stopWithStack(handler::shutdownNow);

    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder(
                    peer.client().getWorkflowServiceStubs().getOptions())
                .setMetricsScope(new com.uber.m3.tally.NoopScope())
                .validateAndBuildWithDefaults());
    try {
      operator
          .blockingStub()
          .createNexusEndpoint(
              CreateNexusEndpointRequest.newBuilder()
                  .setSpec(
                      EndpointSpec.newBuilder()
                          .setName(ENDPOINT)
                          .setTarget(
                              EndpointTarget.newBuilder()
                                  .setWorker(
                                      EndpointTarget.Worker.newBuilder()
                                          .setNamespace(namespace)
                                          .setTaskQueue(TASK_QUEUE))))
                  .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        throw new IllegalStateException(
            "cannot create the Nexus endpoint "
                + ENDPOINT
                + " on "
                + address
                + ": "
                + e.getStatus(),
            e);
      }
    } finally {
      operator.shutdownNow();
    }
  }

  /** Real servers know only the namespaces they were told of; the embedded one accepts any. */
  private static void registerNamespace(LocalStack stack) {
    try {
      stack
          .usEast()
          .client()
          .getWorkflowServiceStubs()
          .blockingStub()
          .registerNamespace(
              RegisterNamespaceRequest.newBuilder()
                  .setNamespace(NAMESPACE)
                  .setWorkflowExecutionRetentionPeriod(Durations.fromDays(1))
                  .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        throw new IllegalStateException(
            "cannot register namespace " + NAMESPACE + ": " + e.getStatus(), e);
      }
    }
    // a new namespace reaches the frontend's cache within its refresh interval (10 s by default)
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        stack
            .usEast()
            .client()
            .getWorkflowServiceStubs()
            .blockingStub()
            .describeNamespace(
                io.temporal.api.workflowservice.v1.DescribeNamespaceRequest.newBuilder()
                    .setNamespace(NAMESPACE)
                    .build());
        // described from the database; the frontend's namespace cache, which starts and Nexus tasks
        // go
        // through, refreshes every 10 s by default
        Thread.sleep(11_000);
        return;
      } catch (StatusRuntimeException notYet) {
        sleep();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(
        "namespace " + NAMESPACE + " was registered but us-east does not describe it after 30 s");
  }

  private static void sleep() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
