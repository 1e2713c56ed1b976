package io.xcluster.testkit.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.stub.StreamObserver;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A burst of answers does not grow a thread per answer: gRPC's shared default executor did (79
 * threads left in the NATS coordinator after 10,000 progress reports; 38 for this test's 64
 * answers), a connection's own pool stays at {@link ClusterConnection#GRPC_CALLBACK_THREADS}.
 */
class GrpcCallbacksOnABoundedPoolTest {

  private static final int BURST = 64;

  @Test
  void aBurstOfSlowCallbacksRunsOnTheConnectionsBoundedPool() throws Exception {
    try (EmbeddedTemporalServer server = EmbeddedTemporalServer.start(0);
        ClusterConnection connection =
            ClusterConnection.open(ClusterEndpoint.loopback("us-east", server.port()))) {
      Set<String> callbackThreads = ConcurrentHashMap.newKeySet();
      CountDownLatch answered = new CountDownLatch(BURST);
      for (int i = 0; i < BURST; i++) {
        WorkflowServiceGrpc.newStub(connection.client().getWorkflowServiceStubs().getRawChannel())
            .getSystemInfo(
                GetSystemInfoRequest.getDefaultInstance(),
                new StreamObserver<GetSystemInfoResponse>() {
                  @Override
                  public void onNext(GetSystemInfoResponse response) {
                    // gRPC runs this on the channel's executor; slow enough to grow a cached pool
                    callbackThreads.add(Thread.currentThread().getName());
                    sleep(50);
                  }

                  @Override
                  public void onError(Throwable failure) {
                    answered.countDown();
                  }

                  @Override
                  public void onCompleted() {
                    answered.countDown();
                  }
                });
      }
      assertTrue(answered.await(30, TimeUnit.SECONDS), "every call answered within 30 s");
      assertTrue(
          callbackThreads.size() <= ClusterConnection.GRPC_CALLBACK_THREADS,
          BURST + " answers ran on " + callbackThreads.size() + " threads: " + callbackThreads);
      assertEquals(
          Set.of(),
          callbackThreads.stream()
              .filter(name -> !name.startsWith("grpc-callbacks-us-east-"))
              .collect(Collectors.toSet()),
          "answers ran outside the connection's own pool");
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
