package io.xcluster.testkit.contract;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.CallProgress;
import io.xcluster.port.call.UpdateVerdict;
import io.xcluster.port.spi.CallWaitingNotice;

/** The calling side of every contract case, run on the source cluster through the port only. */
@WorkflowInterface
public interface ContractCallerWorkflow {

  String TASK_QUEUE = "contract-caller";

  @WorkflowMethod
  CallOutcome call(ContractCall call);

  /**
   * Ends a caller whose call {@linkplain ContractCall#staysOpen() stays open} after its outcome.
   */
  @SignalMethod
  void finish();

  /** The outcome the caller saw; readable after a cancel, when the workflow's result is not. */
  @QueryMethod
  CallOutcome seenOutcome();

  /** Forwards a note to the running remote call through the port; the remote verdict. */
  @UpdateMethod
  UpdateVerdict forwardNote(NoteRequest request);

  /** Forwards a note as a signal to the running remote call through the port; the verdict. */
  @UpdateMethod
  UpdateVerdict forwardNoteSignal(NoteRequest request);

  /** Reads the remote run's notes through the port, waiting at most {@code timeoutMillis}. */
  @UpdateMethod
  UpdateVerdict queryRemoteNotes(long timeoutMillis);

  /** A note to forward, under the caller's request id (the same id forwards the same update). */
  record NoteRequest(String requestId, String text) {}

  /** The newest progress report of the remote run; null before the first. */
  @QueryMethod
  CallProgress progress();

  /** Why the call waits, as a transport holding it said; null when it does not wait. */
  @QueryMethod
  CallWaitingNotice waiting();
}
