package io.xcluster.testkit.link;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transport's link to the target cluster, as a client interceptor on its connection: while cut,
 * every request (start, describe, cancel, count, query, update) made through its client fails
 * UNAVAILABLE as an unreachable cluster's would, and is counted — what the target would have
 * received. (A forwarded signal goes by the raw service stub, past client interceptors, so it is
 * not cut.) Also counts the starts let through, and runs {@code afterStart} after each (to sample
 * the target at that moment).
 */
public final class CuttableLink extends WorkflowClientInterceptorBase {

  private final AtomicBoolean cut = new AtomicBoolean();
  private final AtomicInteger requestsWhileCut = new AtomicInteger();
  private final AtomicInteger startsLetThrough = new AtomicInteger();
  private volatile Runnable afterStart = () -> {};

  public void cut() {
    cut.set(true);
  }

  public void heal() {
    cut.set(false);
  }

  /** Requests the transport sent while the link was cut. */
  public int requestsWhileCut() {
    return requestsWhileCut.get();
  }

  /** Workflow starts that went through (started, or refused as already started). */
  public int startsLetThrough() {
    return startsLetThrough.get();
  }

  /** Runs {@code hook} after each start that went through; it must not throw. */
  public void afterEachStart(Runnable hook) {
    this.afterStart = hook;
  }

  @Override
  public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(
      WorkflowClientCallsInterceptor next) {
    return new WorkflowClientCallsInterceptorBase(next) {
      @Override
      public WorkflowStartOutput start(WorkflowStartInput input) {
        refuseWhileCut();
        startsLetThrough.incrementAndGet();
        try {
          return super.start(input);
        } finally {
          afterStart.run();
        }
      }

      @Override
      public DescribeWorkflowOutput describe(DescribeWorkflowInput input) {
        refuseWhileCut();
        return super.describe(input);
      }

      @Override
      public CancelOutput cancel(CancelInput input) {
        refuseWhileCut();
        return super.cancel(input);
      }

      @Override
      public <R> QueryOutput<R> query(QueryInput<R> input) {
        refuseWhileCut();
        return super.query(input);
      }

      @Override
      public <R> io.temporal.client.WorkflowUpdateHandle<R> startUpdate(StartUpdateInput<R> input) {
        refuseWhileCut();
        return super.startUpdate(input);
      }

      @Override
      public CountWorkflowOutput countWorkflows(CountWorkflowsInput input) {
        refuseWhileCut();
        return super.countWorkflows(input);
      }
    };
  }

  private void refuseWhileCut() {
    if (cut.get()) {
      requestsWhileCut.incrementAndGet();
      throw new StatusRuntimeException(
          Status.UNAVAILABLE.withDescription("the link to the target cluster is cut"));
    }
  }
}
