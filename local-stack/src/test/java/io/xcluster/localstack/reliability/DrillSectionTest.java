package io.xcluster.localstack.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/reliability.md's drill section holds the drill's report, not the log of the JVM it ran in.
 */
class DrillSectionTest {

  /**
   * What ReplicationIT captured in one CI run: worker warnings with stack traces, then the report.
   */
  private static final String PRINTED =
      """
      10:34:03.032 WARN  [Workflow Poller taskQueue="replication-drill", namespace="ns-16b94496": 1] i.t.internal.worker.BasePoller - Failure in poller thread Workflow Poller taskQueue="replication-drill", namespace="ns-16b94496": 1
      io.grpc.StatusRuntimeException: NOT_FOUND: Namespace ns-16b94496 is not found.
      \tat io.grpc.stub.ClientCalls.toStatusRuntimeException(ClientCalls.java:368)
      \tat java.base/java.lang.Thread.run(Thread.java:840)
      10:34:03.131 WARN  [Workflow Poller taskQueue="replication-drill", namespace="ns-16b94496": 5] i.t.internal.worker.BasePoller - Failure in poller thread
      io.grpc.StatusRuntimeException: NOT_FOUND: Namespace ns-16b94496 is not found.
      \tat io.grpc.stub.ClientCalls.getUnchecked(ClientCalls.java:349)
      drill on namespace ns-16b94496: cluster-a -> cluster-b -> cluster-a
        replication lag (start on cluster-a -> readable on cluster-b): p50 31 ms, max 76 ms
        failover cluster-a -> cluster-b (request -> cluster-b accepts writes): 122 ms
        workflows finished on cluster-b after failover: 50 / 50
        failback cluster-b -> cluster-a: 1187 ms
        every workflow finished
      10:34:09.500 WARN  [main] i.t.internal.worker.Poller - a line logged after the report
      """;

  @Test
  void keepsOnlyTheDrillsOwnLines() {
    assertEquals(
        List.of(
            "drill on namespace ns-16b94496: cluster-a -> cluster-b -> cluster-a",
            "  replication lag (start on cluster-a -> readable on cluster-b): p50 31 ms, max 76 ms",
            "  failover cluster-a -> cluster-b (request -> cluster-b accepts writes): 122 ms",
            "  workflows finished on cluster-b after failover: 50 / 50",
            "  failback cluster-b -> cluster-a: 1187 ms",
            "  every workflow finished"),
        DrillSection.drillLines(PRINTED));
  }

  @Test
  void theSectionIsTheReportInACodeBlock() {
    String section = DrillSection.render(PRINTED);

    assertTrue(section.contains("## Failover drill (namespace replication)"), section);
    assertTrue(section.contains("```\ndrill on namespace ns-16b94496"), section);
    assertTrue(section.contains("  every workflow finished\n```"), section);
    assertFalse(section.contains("WARN") || section.contains("\tat "), section);
  }

  @Test
  void aDrillThatPrintedNoReportShowsWhatItSaidWithoutStackFrames() {
    String failed =
        """
        replication-setup: drill gave up after 120 s: all workflows readable on cluster-b
        io.grpc.StatusRuntimeException: UNAVAILABLE: io exception
        \tat io.grpc.stub.ClientCalls.toStatusRuntimeException(ClientCalls.java:368)
        \t... 12 more
        """;

    assertEquals(
        List.of(
            "replication-setup: drill gave up after 120 s: all workflows readable on cluster-b",
            "io.grpc.StatusRuntimeException: UNAVAILABLE: io exception"),
        DrillSection.drillLines(failed));
  }
}
