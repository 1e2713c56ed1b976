package io.xcluster.transport.fixtureother;

import io.xcluster.transport.fixture.FixtureTransport;

/**
 * Breaks {@code transports_never_depend_on_each_other} on purpose, for {@code RulesBiteTest}. Never
 * used.
 */
public final class TransportReusingAnotherTransport {
  public String delegate() {
    return new FixtureTransport().name();
  }
}
