package io.xcluster.localstack.realstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.client.WorkflowStub;
import io.temporal.worker.WorkerFactory;
import io.xcluster.localstack.reliability.FaultRecord;
import io.xcluster.localstack.stack.ClusterKind;
import io.xcluster.port.call.CallOutcome;
import io.xcluster.port.call.OutcomeKind;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ConnectionInterceptors;
import io.xcluster.port.protection.DestinationLimits;
import io.xcluster.port.spi.CrossClusterTransports;
import io.xcluster.runtime.lifecycle.StopSequence;
import io.xcluster.testkit.contract.ContractClusters;
import io.xcluster.testkit.contract.ContractParties;
import io.xcluster.testkit.contract.ContractRemoteWorkflow;
import io.xcluster.testkit.contract.ExecutionLedger;
import io.xcluster.testkit.contract.RemoteBehaviour;
import io.xcluster.testkit.link.CuttableLink;
import io.xcluster.testkit.nats.LocalNatsServer;
import io.xcluster.tracing.ServiceTracing;
import io.xcluster.transport.bridge.BridgeSettings;
import io.xcluster.transport.bridge.BridgeTransport;
import io.xcluster.transport.bridge.BridgeWorker;
import io.xcluster.transport.nats.NatsCoordinator;
import io.xcluster.transport.nats.NatsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Per-destination protection on two real servers, each transport in this JVM with its link to
 * eu-west behind a {@link CuttableLink} (what eu-west would have received is counted there), and
 * eu-west's own visibility sampled for open runs. Each test leaves a row for docs/reliability.md.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class DestinationLimitsOnRealServersIT {

  static final Duration OUTAGE = Duration.ofSeconds(60);
  static final int WAITING = Integer.getInteger("xcluster.limits.waiting", 500);
  static final int BURST = Integer.getInteger("xcluster.limits.burst", 2_000);
  static final int CAP = Integer.getInteger("xcluster.limits.cap", 200);

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {BridgeTransport.NAME, "nats"})
  void eachCallWaitingOutAMinuteOfUnreachableTargetCostsItOnlyTheBreakersProbesAndCompletesOnce(
      String transport) throws Exception {
    Duration halfOpen = DestinationLimits.DEFAULT_BREAKER_HALF_OPEN_AFTER;
    try (Setup setup = new Setup(transport, DestinationLimits.DEFAULTS)) {
      setup.link.cut();
      long began = System.nanoTime();
      List<Call> calls = setup.place(WAITING, i -> RemoteBehaviour.complete("parcel-" + i));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!setup.breakerOpen()) {
        assertTrue(System.nanoTime() < deadline, "the breaker opened within a minute");
        Thread.sleep(100);
      }
      int beforeOpen = setup.link.requestsWhileCut();
      Thread.sleep(OUTAGE.toMillis());
      int whileOpen = setup.link.requestsWhileCut() - beforeOpen;
      long intervals = OUTAGE.toMillis() / halfOpen.toMillis();
      setup.link.heal();
      long healed = System.nanoTime();
      Tally tally = setup.await(calls);
      String injection =
          String.format(
              "%d calls waiting while every request to eu-west failed UNAVAILABLE for %d s after"
                  + " the breaker opened (its link cut at the transport, both clusters up):"
                  + " %d requests reached eu-west meanwhile in %d half-open intervals of %d s (%d"
                  + " before the breaker opened)",
              WAITING, OUTAGE.toSeconds(), whileOpen, intervals, halfOpen.toSeconds(), beforeOpen);
      System.out.println(injection + "; all done " + tally.secondsSince(healed) + " s after");
      tally.record("target-unreachable-breaker-60s", transport, injection, began, healed);
      assertTrue(
          whileOpen <= intervals + 1,
          "an open breaker costs eu-west one probe per interval: " + injection);
      tally.assertAllOnce();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {BridgeTransport.NAME, "nats"})
  void aBurstAgainstTheOpenCallsCapNeverOpensMoreRemoteRunsThanTheCapAndAllComplete(
      String transport) throws Exception {
    DestinationLimits limits =
        new DestinationLimits(
            CAP,
            0,
            DestinationLimits.DEFAULT_BREAKER_FAILURES,
            DestinationLimits.DEFAULT_BREAKER_HALF_OPEN_AFTER);
    AtomicLong mostOpen = new AtomicLong();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    try (Setup setup = new Setup(transport, limits)) {
      Runnable sample = () -> mostOpen.accumulateAndGet(setup.openRuns(), Math::max);
      setup.link.afterEachStart(sample);
      sampler.scheduleWithFixedDelay(sample, 0, 200, TimeUnit.MILLISECONDS);
      long began = System.nanoTime();
      List<Call> calls = setup.place(BURST, i -> RemoteBehaviour.hold("parcel-" + i, 3_000));
      Tally tally = setup.await(calls);
      sampler.shutdownNow();
      String injection =
          String.format(
              "a burst of %d calls of 3 s each against a cap of %d open calls: at most %d remote"
                  + " runs open at once (eu-west's own count, sampled every 200 ms and at each"
                  + " start)",
              BURST, CAP, mostOpen.get());
      System.out.println(injection + "; all done in " + tally.secondsSince(began) + " s");
      tally.record("open-calls-cap-burst", transport, injection, began, null);
      assertTrue(mostOpen.get() <= CAP, injection);
      assertTrue(mostOpen.get() >= CAP / 2, "the cap, not a trickle: " + injection);
      tally.assertAllOnce();
    } finally {
      sampler.shutdownNow();
    }
  }

  private record Call(String remoteId, WorkflowStub stub) {}

  /** How the calls ended, counted on both sides. */
  private record Tally(List<Call> calls, int completed, int executed, int runs, long lastDone) {

    long secondsSince(long nanos) {
      return Duration.ofNanos(lastDone - nanos).toSeconds();
    }

    void assertAllOnce() {
      assertEquals(calls.size(), completed, "every call completed");
      assertEquals(calls.size(), executed, "every remote ran");
      assertEquals(calls.size(), runs, "none ran twice");
    }

    void record(String fault, String transport, String injection, long began, Long healed) {
      new FaultRecord(
              fault,
              transport,
              injection,
              calls.size(),
              completed,
              executed,
              runs,
              0,
              runs - executed,
              calls.size() - completed,
              calls.size(),
              0,
              secondsSince(began),
              null,
              healed == null ? null : secondsSince(healed),
              RealStackTier.clusterKind() == ClusterKind.POSTGRES ? "postgres" : "start-dev",
              null)
          .writeTo(FaultRecord.DEFAULT_DIRECTORY);
    }
  }

  /** Two real clusters, callers and remotes in this JVM, one transport behind a cuttable link. */
  private static final class Setup implements AutoCloseable {
    final CuttableLink link = new CuttableLink();
    final StopSequence stops = new StopSequence(problem -> System.err.println(problem));
    final ClusterConnection source;
    final ClusterConnection target;
    final Supplier<Boolean> breakerOpen;

    Setup(String transport, DestinationLimits limits) {
      Path workDir = RealStackTier.workDir("destination-limits-" + transport);
      ContractClusters clusters = RealStackTier.contractClusters(workDir);
      stops.add(clusters::close);
      source = clusters.connectSource();
      stops.add(source::closeNow);
      target = clusters.connectTarget();
      stops.add(target::closeNow);
      ClusterConnection linked =
          ClusterConnection.open(
              clusters.target(), new ConnectionInterceptors(List.of(link), List.of()));
      stops.add(linked::closeNow);
      WorkerFactory remotes = ContractParties.startRemotes(target);
      stops.add(remotes::shutdownNow);
      if (transport.equals(BridgeTransport.NAME)) {
        BridgeWorker bridge =
            BridgeWorker.start(
                BridgeSettings.between(clusters.source(), clusters.target()).withLimits(limits),
                source,
                linked,
                ServiceTracing.disabled());
        stops.add(bridge::kill);
        breakerOpen = () -> bridge.describeBreaker().startsWith("open");
      } else {
        LocalNatsServer nats = LocalNatsServer.start(workDir);
        stops.add(nats::close);
        NatsCoordinator coordinator =
            NatsCoordinator.start(
                NatsSettings.defaults(nats.url())
                    .allowing(Set.of(ContractRemoteWorkflow.TYPE))
                    .withLimits(limits),
                source,
                linked,
                ContractClusters.TARGET,
                ServiceTracing.disabled());
        stops.add(coordinator::kill);
        breakerOpen = () -> coordinator.describeBreaker().orElse("").startsWith("open");
      }
      WorkerFactory callers =
          ContractParties.startCallers(
              source,
              CrossClusterTransports.named(transport)
                  .routeTo(ContractClusters.TARGET)
                  .withHeartbeatTimeout(Duration.ofSeconds(30)));
      stops.add(callers::shutdownNow);
    }

    boolean breakerOpen() {
      return breakerOpen.get();
    }

    List<Call> place(int count, java.util.function.IntFunction<RemoteBehaviour> behaviour) {
      List<Call> calls = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ContractParties.StartedCaller started =
            ContractParties.startCaller(
                source.client(),
                "limits-" + UUID.randomUUID(),
                "fulfil",
                behaviour.apply(i),
                Duration.ofMinutes(30));
        calls.add(new Call(started.remoteWorkflowId(), started.stub()));
      }
      return calls;
    }

    Tally await(List<Call> calls) throws Exception {
      int completed = 0;
      int executed = 0;
      int runs = 0;
      for (Call call : calls) {
        CallOutcome outcome = call.stub.getResult(10, TimeUnit.MINUTES, CallOutcome.class);
        if (outcome.kind() == OutcomeKind.COMPLETED) {
          completed++;
        }
        int ran = ExecutionLedger.InMemory.executionsOf(call.remoteId);
        executed += ran > 0 ? 1 : 0;
        runs += ran;
      }
      return new Tally(calls, completed, executed, runs, System.nanoTime());
    }

    long openRuns() {
      try {
        return target
            .client()
            .countWorkflows(
                "WorkflowType = '"
                    + ContractRemoteWorkflow.TYPE
                    + "' AND ExecutionStatus = 'Running'")
            .getCount();
      } catch (RuntimeException unreadable) {
        return 0; // a sample lost, not a test failed
      }
    }

    @Override
    public void close() {
      stops.close();
    }
  }
}
