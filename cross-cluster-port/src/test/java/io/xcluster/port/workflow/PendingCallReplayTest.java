package io.xcluster.port.workflow;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Calls recorded on the bridge's protocol (handover, the hourly backstop, its getVersion marker)
 * must replay against today's client; recorded by {@link PendingCallTest}.
 */
class PendingCallReplayTest {

  @Test
  void callHandedOverThenSignaledReplays() throws Exception {
    replay("histories/call-handed-over-then-signaled.json", "order-1");
  }

  @Test
  void callAnsweredByTheBackstopReplays() throws Exception {
    replay("histories/call-answered-by-the-backstop.json", "order-2");
  }

  @Test
  void callCanceledBetweenAttemptsBeforeTheRemoteReadReplays() throws Exception {
    // recorded by the client before the change, which settled CANCELED at once, without asking
    // how the run ended (never re-recorded: PendingCallTest writes the new path under another name)
    replay("histories/call-canceled-between-attempts-before-remote-read.json", "order-4");
  }

  @Test
  void callCanceledBetweenAttemptsThatReadTheRemoteRunReplays() throws Exception {
    replay("histories/call-canceled-between-attempts.json", "order-4");
  }

  private void replay(String resource, String workflowId) throws Exception {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
      assertNotNull(in, resource);
      WorkflowReplayer.replayWorkflowExecution(
          WorkflowExecutionHistory.fromJson(
              new String(in.readAllBytes(), StandardCharsets.UTF_8), workflowId),
          CallerWorkflow.Impl.class);
    }
  }
}
