package io.xcluster.port.cluster;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;

/**
 * Lets a worker's task polls wait for an unreachable cluster instead of failing at once.
 *
 * <p>A poll that fails (connection refused, link cut) counts against the SDK's poll back-off, which
 * doubles up to a minute and is not configurable in SDK 1.38: after a 60 s partition a worker's
 * pollers sat idle for up to another minute after the link was back. A poll marked wait-for-ready
 * queues in gRPC until the channel is connected again (or the poll's own 70 s deadline passes,
 * which the SDK counts as one failure), so it goes out the moment the cluster answers: an outage of
 * a few minutes costs a few failures instead of dozens. Only task polls wait: a start, a signal or
 * a health check still fails fast and is retried (or reported) by its caller. A worker stopping
 * meanwhile needs {@code shutdownNow} to end such a poll before its deadline.
 */
final class PollsWaitForTheCluster implements ClientInterceptor {

  /** The long polls a worker makes: PollWorkflowTaskQueue, PollActivityTaskQueue, PollNexus… */
  static boolean isTaskPoll(MethodDescriptor<?, ?> method) {
    String name = method.getBareMethodName();
    return name != null && name.startsWith("Poll") && name.endsWith("TaskQueue");
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    return next.newCall(method, isTaskPoll(method) ? options.withWaitForReady() : options);
  }
}
