package io.xcluster.port.workflow;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import io.xcluster.port.call.CallPayloads;
import io.xcluster.port.call.CallProgress;
import io.xcluster.port.spi.CrossClusterProgressActivity;
import java.time.Duration;

/**
 * For a workflow that may run as the remote end of a cross-cluster call: reports its progress to
 * the caller without knowing which transport, if any, carries it. Create one per execution (as a
 * field) and call {@link #report} at each step worth telling.
 *
 * <p>The transport that started the run named its progress task queue in the run's memo; without
 * one (started directly, or by a transport that carries no progress) reports go nowhere and cost
 * nothing. Each report is a fire-and-forget activity on that queue, numbered so that the caller
 * keeps the newest whatever order they arrive in. Deterministic: the memo and the numbering are
 * part of the run's history, and a version marker keeps runs begun by older code replaying as they
 * were.
 */
public final class CallProgressReporter {

  static final String PROGRESS_CHANGE = "xcluster-progress-reports";

  /** A report that cannot be delivered within this is dropped: newer ones say more anyway. */
  static final Duration DELIVERY_WINDOW = Duration.ofMinutes(10);

  private CrossClusterProgressActivity transport;
  private boolean decided;
  private long sequence;

  /** Reports {@code progress} (any JSON-mappable value) to the caller, if a transport listens. */
  public void report(Object progress) {
    if (!listening()) {
      return;
    }
    sequence++;
    CallProgress report =
        new CallProgress(
            Workflow.getInfo().getWorkflowId(),
            sequence,
            CallPayloads.encode(progress),
            Workflow.currentTimeMillis());
    Async.procedure(transport::report, report);
  }

  private boolean listening() {
    if (!decided) {
      decided = true;
      String queue =
          Workflow.getMemo(CrossClusterProgressActivity.QUEUE_MEMO, String.class, String.class);
      if (queue != null
          && !queue.isBlank()
          && Workflow.getVersion(PROGRESS_CHANGE, Workflow.DEFAULT_VERSION, 1) == 1) {
        transport =
            Workflow.newActivityStub(
                CrossClusterProgressActivity.class,
                ActivityOptions.newBuilder()
                    .setTaskQueue(queue)
                    .setScheduleToCloseTimeout(DELIVERY_WINDOW)
                    .setStartToCloseTimeout(Duration.ofSeconds(30))
                    .setRetryOptions(
                        RetryOptions.newBuilder()
                            .setInitialInterval(Duration.ofMillis(200))
                            .setMaximumInterval(Duration.ofSeconds(10))
                            .build())
                    .build());
      }
    }
    return transport != null;
  }
}
