package io.xcluster.localstack.stack.postgres;

import io.xcluster.testkit.process.LoopbackPorts;

/**
 * Free loopback ports for the servers' membership (ringpop) listeners. The SQL persistence keeps a
 * member's port in a {@code smallint} column ({@code cluster_membership.rpc_port}), so a port from
 * the OS's ephemeral range (32768 and up) makes the server exit at start-up; these come from below
 * it — and from the same pool as every other port this JVM hands out, so a membership listener
 * never takes a port handed to a program that has not bound it yet (a bridge's callback endpoint).
 */
final class MembershipPorts {

  private static final int HIGHEST = 32_767;

  private MembershipPorts() {}

  static int free() {
    return LoopbackPorts.freeBelow(HIGHEST + 1);
  }
}
