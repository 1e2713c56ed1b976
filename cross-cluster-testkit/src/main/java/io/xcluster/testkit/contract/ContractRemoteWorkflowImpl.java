package io.xcluster.testkit.contract;

import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.xcluster.port.workflow.CallProgressReporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

public final class ContractRemoteWorkflowImpl implements ContractRemoteWorkflow {

  private final ExecutionLedger ledger =
      Workflow.newActivityStub(
          ExecutionLedger.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(10)).build());

  private final CallProgressReporter progress = new CallProgressReporter();
  private boolean released;
  private final List<String> notes = new ArrayList<>();

  @Override
  public String run(RemoteBehaviour behaviour) {
    ledger.recordExecution(Workflow.getInfo().getWorkflowId());
    switch (behaviour.mode()) {
      case FAIL ->
          throw ApplicationFailure.newNonRetryableFailure(
              "remote rejected " + behaviour.payload(), BUSINESS_FAILURE);
      case HOLD -> Workflow.sleep(Duration.ofMillis(behaviour.holdMillis()));
      case AWAIT_RELEASE -> Workflow.await(() -> released);
      case COMPLETE -> {}
    }
    return "done:" + behaviour.payload().repeat(behaviour.resultRepeat());
  }

  @Override
  public void release() {
    released = true;
  }

  @Override
  public String note(String text) {
    notes.add(text);
    progress.report("noted:" + text); // to the caller, through whichever transport carries it
    return "noted:" + text;
  }

  @Override
  public void validateNote(String text) {
    if (text.startsWith("refuse")) {
      throw ApplicationFailure.newFailure("the remote refuses note '" + text + "'", NOTE_REFUSED);
    }
  }

  @Override
  public void noteSignal(String text) {
    notes.add(text);
  }

  @Override
  public List<String> notes() {
    return List.copyOf(notes);
  }
}
