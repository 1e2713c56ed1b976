package io.xcluster.port.cluster;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Refuses the client calls of a connection that has not dialled yet ({@link
 * ClusterConnection#openLazily}) at once, as {@code UNAVAILABLE}, until its cluster has answered
 * once; meanwhile each refused call asks the cluster again, one request at a time.
 *
 * <p>Why not let the calls go: until a connection's first answer, the SDK asks the cluster for its
 * capabilities before every request, retrying until the request's deadline. A call made while the
 * cluster is down would hold its thread for that whole deadline and then fail with an {@code
 * IllegalArgumentException} (the SDK's "invalid expiration"), which does not read as an outage: the
 * breaker would never open, and the calls would keep knocking. Refused at once, each is an outage,
 * retried and held back like any other.
 */
final class UntilFirstAnswer extends WorkflowClientInterceptorBase {

  private static final ExecutorService ASKING =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "first-answer");
            thread.setDaemon(true);
            return thread;
          });

  private final ClusterEndpoint endpoint;
  private volatile WorkflowServiceStubs stubs;
  private volatile boolean answered;
  private CompletableFuture<Void> asking; // guarded by this

  UntilFirstAnswer(ClusterEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  /** The stubs to ask, once built (they are built after the interceptors). */
  void ask(WorkflowServiceStubs stubs) {
    this.stubs = stubs;
  }

  /** Whether the cluster answered once; if not, asks it again unless a question is pending. */
  boolean answered() {
    if (!answered) {
      askAgain();
    }
    return answered;
  }

  private synchronized void askAgain() {
    if (asking != null && !asking.isDone()) {
      return;
    }
    asking =
        CompletableFuture.runAsync(
            () -> {
              // the SDK keeps the capabilities once it has them: its later requests skip this step
              stubs.getServerCapabilities().get();
              answered = true;
            },
            ASKING);
  }

  @Override
  public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(
      WorkflowClientCallsInterceptor next) {
    return (WorkflowClientCallsInterceptor)
        Proxy.newProxyInstance(
            WorkflowClientCallsInterceptor.class.getClassLoader(),
            new Class<?>[] {WorkflowClientCallsInterceptor.class},
            (proxy, method, args) -> {
              if (method.getDeclaringClass() != Object.class && !answered()) {
                throw new StatusRuntimeException(
                    Status.UNAVAILABLE.withDescription(
                        "cluster "
                            + endpoint.name()
                            + " ("
                            + endpoint.address()
                            + ") has not answered since this process started"));
              }
              try {
                return method.invoke(next, args);
              } catch (InvocationTargetException failed) {
                throw failed.getCause();
              }
            });
  }
}
