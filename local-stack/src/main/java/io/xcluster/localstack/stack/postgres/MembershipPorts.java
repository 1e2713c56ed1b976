package io.xcluster.localstack.stack.postgres;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for the servers' membership (ringpop) listeners. The SQL persistence keeps a
 * member's port in a {@code smallint} column ({@code cluster_membership.rpc_port}), so a port from
 * the OS's ephemeral range (32768 and up) makes the server exit at start-up; these come from below
 * it.
 */
final class MembershipPorts {

  private static final int LOWEST = 20_000;
  private static final int HIGHEST = 32_767;

  private MembershipPorts() {}

  static int free() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST + 1);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException(
        "no free loopback port between "
            + LOWEST
            + " and "
            + HIGHEST
            + " for a Temporal membership listener");
  }
}
