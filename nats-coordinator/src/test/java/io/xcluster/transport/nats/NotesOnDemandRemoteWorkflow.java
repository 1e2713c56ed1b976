package io.xcluster.transport.nats;

import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.testkit.contract.ContractRemoteWorkflow;
import io.xcluster.testkit.contract.RemoteBehaviour;
import java.util.ArrayList;
import java.util.List;

/**
 * The contract kit's remote workflow, with notes that answer as a test needs: a note {@code
 * "hold:..."} is kept at once but answered only after the {@link #OPEN_NOTES} signal (an update
 * that keeps its sender waiting), and a note {@code "answer-bytes:N"} is answered with {@code N}
 * bytes (a large verdict from a small update). Any other note is answered {@code "noted:" + text}.
 */
public final class NotesOnDemandRemoteWorkflow implements ContractRemoteWorkflow {

  /** The note signal that lets every held note answer. */
  static final String OPEN_NOTES = "open-notes";

  private final List<String> notes = new ArrayList<>();
  private boolean released;
  private boolean notesOpen;

  /** Serves this workflow on the contract kit's remote task queue of {@code target}. */
  static WorkerFactory startRemotes(ClusterConnection target) {
    WorkerFactory workers = target.newWorkerFactory();
    workers
        .newWorker(ContractRemoteWorkflow.TASK_QUEUE)
        .registerWorkflowImplementationTypes(NotesOnDemandRemoteWorkflow.class);
    workers.start();
    return workers;
  }

  /**
   * Whether run {@code workflowId} has started on {@code target}: a caller forwards an update only
   * once its call is made (before, its own side answers NoSuchCall).
   */
  static boolean started(ClusterConnection target, String workflowId) {
    try {
      target.client().newUntypedWorkflowStub(workflowId).describe();
      return true;
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  @Override
  public String run(RemoteBehaviour behaviour) {
    if (behaviour.mode() == RemoteBehaviour.Mode.AWAIT_RELEASE) {
      Workflow.await(() -> released);
    }
    return "done:" + behaviour.payload();
  }

  @Override
  public void release() {
    released = true;
  }

  @Override
  public String note(String text) {
    notes.add(text);
    if (text.startsWith("hold:")) {
      Workflow.await(() -> notesOpen);
    }
    if (text.startsWith("answer-bytes:")) {
      return "x".repeat(Integer.parseInt(text.substring("answer-bytes:".length())));
    }
    return "noted:" + text;
  }

  @Override
  public void validateNote(String text) {}

  @Override
  public void noteSignal(String text) {
    if (OPEN_NOTES.equals(text)) {
      notesOpen = true;
    }
  }

  @Override
  public List<String> notes() {
    return List.copyOf(notes);
  }
}
