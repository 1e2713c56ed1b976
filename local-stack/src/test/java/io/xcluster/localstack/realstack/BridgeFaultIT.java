package io.xcluster.localstack.realstack;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.runtime.launch.CallbackEndpoint;
import io.xcluster.transport.bridge.BridgeTransport;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The worker bridge under fault injection on the real stack, in the callback mode (the stack's
 * default on real servers): the faults every transport meets, and those of the callback path.
 */
class BridgeFaultIT extends TransportFaults {

  /** How long no bridge runs while the remote runs finish and call back into nothing. */
  static final Duration ALL_BRIDGES_DOWN = Duration.ofSeconds(60);

  /** How long the callback endpoint answers 500. */
  static final Duration ENDPOINT_FAILING = Duration.ofMinutes(2);

  @Override
  String transport() {
    return BridgeTransport.NAME;
  }

  @Override
  String processName() {
    return "bridge process";
  }

  @Test
  void everyBridgeKilledWhileRemoteRunsFinishThenOneStartedAMinuteLaterLosesAndDuplicatesNothing() {
    try (FaultDrill drill =
        FaultDrill.start("all-bridges-down-60s", transport(), FaultDrill.Shape.MANY_OPEN)) {
      assertNotNull(
          drill.stack().transportLaunch(drill.launcher()).callbacks(),
          "the real stack runs the bridge in the callback mode");
      drill.placeOrders();
      drill.awaitFaultMoment();
      drill.transportProcess().kill();
      FaultDrill.pause(ALL_BRIDGES_DOWN);
      drill.transportProcess().startAgain();
      // no recovery bound: the calls not yet handed over start only now, and their own steps take
      // a minute; the row is about the 800 runs that finished while no bridge was up
      assertPassed(
          drill.finish(
              "SIGKILL to the only bridge (callback mode) with 800 fulfillments started; remote runs"
                  + " finish and call back while none runs; a bridge started 60 s later ("
                  + drill.describeShape()
                  + ")",
              0));
    }
  }

  @Test
  void callbackEndpointAnswering500ForTwoMinutesLosesAndDuplicatesNothing() {
    AtomicReference<CallbackProxy> proxy = new AtomicReference<>();
    try (FaultDrill drill =
        FaultDrill.start(
            "callback-endpoint-500-2min",
            transport(),
            FaultDrill.Shape.STANDARD,
            launch -> {
              CallbackEndpoint endpoint = launch.callbacks();
              proxy.set(CallbackProxy.forwardingTo(endpoint.url()));
              return launch.withCallbacks(
                  new CallbackEndpoint(proxy.get().url(), endpoint.listen(), endpoint.keyFile()));
            })) {
      try (CallbackProxy failing = proxy.get()) {
        drill.placeOrders();
        drill.awaitFaultMoment();
        failing.failFor(ENDPOINT_FAILING);
        FaultDrill.pause(ENDPOINT_FAILING);
        drill.recovered();
        var record =
            drill.finish(
                "the bridge's callback endpoint answered 500 to every callback for 2 min (a proxy in"
                    + " front of it), then forwarded them again",
                0);
        assertTrue(failing.refused() > 0, "callbacks were refused while the endpoint failed");
        assertPassed(record);
      }
    }
  }
}
