package io.xcluster.testkit.contract;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/** The remote side of every contract case, run on the target cluster. */
@WorkflowInterface
public interface ContractRemoteWorkflow {

  String TYPE = "ContractRemoteWorkflow";
  String TASK_QUEUE = "contract-remote";
  String BUSINESS_FAILURE = "ContractBusinessFailure";

  @WorkflowMethod(name = TYPE)
  String run(RemoteBehaviour behaviour);

  @SignalMethod
  void release();

  /** The update callers forward through the port: a note kept by the run, echoed back. */
  String NOTE_UPDATE = "note";

  /** The type of the validator's refusal, for a note starting with "refuse". */
  String NOTE_REFUSED = "NoteRefused";

  @UpdateMethod(name = NOTE_UPDATE)
  String note(String text);

  @UpdateValidatorMethod(updateName = NOTE_UPDATE)
  void validateNote(String text);

  /** The signal callers forward through the port: a note kept by the run, as the update does. */
  String NOTE_SIGNAL = "note-signal";

  @SignalMethod(name = NOTE_SIGNAL)
  void noteSignal(String text);

  /** The query callers forward through the port. */
  String NOTES_QUERY = "notes";

  /** The notes applied, in order: each forwarded update and signal at most once. */
  @QueryMethod(name = NOTES_QUERY)
  List<String> notes();
}
