package io.xcluster.port.workflow;

import com.fasterxml.jackson.databind.node.TextNode;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.spi.CrossClusterCallActivity;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A transport whose behaviour the test picks by the call's operation: {@code handover} hands the
 * call over and leaves the outcome to a signal; {@code silent} hands over and answers only when
 * asked again (a callback that never came); {@code held} holds the call until it is canceled, as
 * the heartbeat mode does, and then reports the remote run canceled; {@code lost} and {@code
 * never-started} fail every attempt, and asked attach-only after a cancel find a run that completed
 * or none at all.
 */
final class ScriptedTransport implements CrossClusterCallActivity {

  final List<String> events = new CopyOnWriteArrayList<>();
  final List<CallRequest> cancelRequests = new CopyOnWriteArrayList<>();
  private final CountDownLatch canceled = new CountDownLatch(1);

  @Override
  public CallOutcome call(CallRequest request) {
    String operation = request.callId().operation();
    long calls = events.stream().filter(e -> e.startsWith("call")).count();
    events.add(
        "call "
            + operation
            + (request.attachOnly()
                ? " (attach only)"
                : request.handoverAllowed() ? " (handover allowed)" : ""));
    switch (operation) {
      case "lost":
        // every attempt dies before it can say whether it started the run; asked after the
        // cancel, the run an earlier attempt started turns out to have completed
        if (request.attachOnly()) {
          return CallOutcome.completed(TextNode.valueOf("shipped before the cancel"));
        }
        throw new IllegalStateException("the bridge died mid-attempt");
      case "never-started":
        if (request.attachOnly()) {
          return CallOutcome.canceled(); // no run to attach to
        }
        throw new IllegalStateException("the target cluster is unreachable");
      case "handover":
        return null;
      case "silent":
        return calls == 0 ? null : CallOutcome.completed(TextNode.valueOf("asked again"));
      case "held":
        try {
          if (!canceled.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the cancel never came");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        events.add("held call ends");
        return CallOutcome.canceled();
      default:
        throw new IllegalArgumentException(operation);
    }
  }

  @Override
  public void cancel(CallRequest request) {
    events.add("cancel " + request.callId().operation());
    cancelRequests.add(request);
    canceled.countDown();
  }
}
