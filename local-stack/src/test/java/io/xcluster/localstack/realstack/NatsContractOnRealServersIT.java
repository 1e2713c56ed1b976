package io.xcluster.localstack.realstack;

import java.time.Duration;

/**
 * The NATS coordinator passes the transport contract kit on two real Temporal servers and a real
 * nats-server. (Its broker-only cases — dead letters, broker restart, redelivery — run in its own
 * module on embedded clusters; the fault drills restart the broker on real servers.)
 */
class NatsContractOnRealServersIT extends ContractOnRealServers {

  @Override
  String transport() {
    return "nats";
  }

  @Override
  Duration heartbeatTimeout() {
    return Duration.ofSeconds(5);
  }
}
