package io.xcluster.port.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.TextNode;
import io.temporal.testing.TestWorkflowEnvironment;
import io.xcluster.port.call.CallId;
import io.xcluster.port.call.CallRequest;
import io.xcluster.port.call.RemoteTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** On the in-process server, where none of the calls' runs exist: each is found missing. */
class LostStartRecheckTest {

  private final TestWorkflowEnvironment server = TestWorkflowEnvironment.newInstance();
  private final RemoteRuns remote = new RemoteRuns(server.getWorkflowClient());

  @AfterEach
  void stop() {
    server.close();
  }

  private static CallRequest call(String order) {
    return new CallRequest(
        new CallId("us-east", order, "fulfil"),
        new RemoteTarget("eu-west", "default", "Fulfil", "fulfil", Duration.ofHours(1)),
        TextNode.valueOf(order));
  }

  @Test
  void aMissingRunThatCannotBeIssuedAgainIsLeftForTheNextRoundNotCountedAsReissued() {
    List<String> letGo = new ArrayList<>();
    LostStartRecheck.Result result =
        LostStartRecheck.recheck(
            List.of(call("order-1"), call("order-2"), call("order-3")),
            request -> request,
            remote,
            request -> {
              if (request.callId().sourceWorkflowId().equals("order-2")) {
                throw new IllegalStateException("Namespace default is not active in eu-west-b");
              }
              letGo.add(request.callId().sourceWorkflowId());
            });

    assertEquals(new LostStartRecheck.Result(3, 2, 1), result);
    assertEquals(List.of("order-1", "order-3"), letGo.stream().sorted().toList());
  }
}
