package io.xcluster.localstack.realstack;

import java.time.Duration;

/**
 * The bridge passes the transport contract kit on two real Temporal servers, as it does on embedded
 * ones.
 */
class BridgeContractOnRealServersIT extends ContractOnRealServers {

  @Override
  String transport() {
    return "bridge";
  }

  @Override
  Duration heartbeatTimeout() {
    return Duration.ofSeconds(2);
  }
}
