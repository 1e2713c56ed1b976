package io.xcluster.region.useast.orders.archfixture;

import io.xcluster.transport.bridge.BridgeTransport;

/** Breaks the rules on purpose, so {@code RulesBiteTest} can show they catch it. Never used. */
public final class RegionCodeNamingABridgeClass {
  public String route() {
    return new BridgeTransport().name();
  }
}
