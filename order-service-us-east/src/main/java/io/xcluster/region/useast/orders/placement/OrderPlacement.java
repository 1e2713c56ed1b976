package io.xcluster.region.useast.orders.placement;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.xcluster.region.useast.orders.workflow.Order;
import io.xcluster.region.useast.orders.workflow.OrderWorkflow;
import io.xcluster.tracing.CallSpans;
import io.xcluster.tracing.ServiceTracing;
import java.util.HashMap;
import java.util.Map;

/**
 * Places an order: starts its {@code OrderWorkflow} (workflow id = order id) under the root span of
 * the order's trace, {@code PlaceOrder}, tagged {@code order.id}. Every later hop — payment, the
 * transport, eu-west, the confirmation — joins that trace.
 */
public final class OrderPlacement {

  /**
   * A placed order: its id, its trace id (null when tracing is off), and the workflow to follow.
   */
  public record PlacedOrder(String orderId, String traceId, WorkflowStub workflow) {}

  /** The memo key under which an order workflow keeps its trace id, for clients that ask again. */
  public static final String TRACE_ID_MEMO = "trace-id";

  private final WorkflowClient usEast;
  private final Tracer tracer;

  public OrderPlacement(WorkflowClient usEast, ServiceTracing tracing) {
    this.usEast = usEast;
    this.tracer = tracing.tracer("io.xcluster.region.useast.orders");
  }

  public PlacedOrder place(Order order) {
    return place(order, Map.of());
  }

  /**
   * Places {@code order} with {@code memo} on its workflow, plus the trace id under {@link
   * #TRACE_ID_MEMO}. An order id is used once: placing it again, even after the first order closed,
   * throws {@link io.temporal.client.WorkflowExecutionAlreadyStarted}, never charges twice.
   */
  public PlacedOrder place(Order order, Map<String, Object> memo) {
    Span root =
        tracer
            .spanBuilder("PlaceOrder")
            .setAttribute(CallSpans.ORDER_ID, String.valueOf(order.orderId()))
            .startSpan();
    try (Scope ignored = root.makeCurrent()) {
      String traceId = root.getSpanContext().isValid() ? root.getSpanContext().getTraceId() : null;
      Map<String, Object> allMemo = new HashMap<>(memo);
      if (traceId != null) {
        allMemo.put(TRACE_ID_MEMO, traceId);
      }
      WorkflowStub workflow =
          usEast.newUntypedWorkflowStub(
              OrderWorkflow.TYPE,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(order.orderId())
                  .setTaskQueue(OrderWorkflow.TASK_QUEUE)
                  .setWorkflowIdReusePolicy(
                      WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                  .setMemo(allMemo)
                  .build());
      workflow.start(order);
      return new PlacedOrder(order.orderId(), traceId, workflow);
    } catch (RuntimeException e) {
      root.recordException(e);
      root.setStatus(StatusCode.ERROR, e.getMessage());
      throw e;
    } finally {
      root.end();
    }
  }
}
