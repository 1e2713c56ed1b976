package io.xcluster.localstack.realstack;

import io.xcluster.transport.bridge.BridgeTransport;

/** The worker bridge under fault injection on the real stack. */
class BridgeFaultIT extends TransportFaults {

  @Override
  String transport() {
    return BridgeTransport.NAME;
  }

  @Override
  String processName() {
    return "bridge process";
  }
}
