package io.xcluster.orders.placement;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.xcluster.orders.workflow.Order;
import io.xcluster.orders.workflow.OrderWorkflow;
import io.xcluster.tracing.CallSpans;
import io.xcluster.tracing.ServiceTracing;

/**
 * Places an order: starts its {@code OrderWorkflow} (workflow id = order id) under the root span
 * of the order's trace, {@code PlaceOrder}, tagged {@code order.id}. Every later hop — payment,
 * the transport, eu-west, the confirmation — joins that trace.
 */
public final class OrderPlacement {

  /** A placed order: its id, its trace id (null when tracing is off), and the workflow to follow. */
  public record PlacedOrder(String orderId, String traceId, WorkflowStub workflow) {}

  private final WorkflowClient usEast;
  private final Tracer tracer;

  public OrderPlacement(WorkflowClient usEast, ServiceTracing tracing) {
    this.usEast = usEast;
    this.tracer = tracing.tracer("io.xcluster.orders");
  }

  public PlacedOrder place(Order order) {
    Span root = tracer.spanBuilder("PlaceOrder").setAttribute(CallSpans.ORDER_ID, String.valueOf(order.orderId())).startSpan();
    try (Scope ignored = root.makeCurrent()) {
      WorkflowStub workflow =
          usEast.newUntypedWorkflowStub(
              OrderWorkflow.TYPE,
              WorkflowOptions.newBuilder().setWorkflowId(order.orderId()).setTaskQueue(OrderWorkflow.TASK_QUEUE).build());
      workflow.start(order);
      String traceId = root.getSpanContext().isValid() ? root.getSpanContext().getTraceId() : null;
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
