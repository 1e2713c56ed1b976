package io.xcluster.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.xcluster.port.call.CallId;

/** The attributes every cross-cluster hop carries, so an order is found by them in Jaeger. */
public final class CallSpans {

  public static final AttributeKey<String> ORDER_ID = AttributeKey.stringKey("order.id");
  public static final AttributeKey<String> CALL_ID = AttributeKey.stringKey("xcluster.call_id");
  public static final AttributeKey<String> SOURCE_CLUSTER =
      AttributeKey.stringKey("xcluster.source_cluster");
  public static final AttributeKey<String> TARGET_CLUSTER =
      AttributeKey.stringKey("xcluster.target_cluster");
  public static final AttributeKey<String> TRANSPORT = AttributeKey.stringKey("xcluster.transport");

  private CallSpans() {}

  /**
   * Tags {@code span} with the call. {@code order.id} is the calling workflow's id, which for
   * {@code OrderWorkflow} is the order id.
   */
  public static void tag(Span span, CallId callId, String targetCluster, String transport) {
    span.setAttribute(ORDER_ID, callId.sourceWorkflowId());
    span.setAttribute(CALL_ID, callId.value());
    span.setAttribute(SOURCE_CLUSTER, callId.sourceCluster());
    span.setAttribute(TARGET_CLUSTER, targetCluster);
    span.setAttribute(TRANSPORT, transport);
  }
}
