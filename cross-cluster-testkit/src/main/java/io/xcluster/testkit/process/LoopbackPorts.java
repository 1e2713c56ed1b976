package io.xcluster.testkit.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports and reachability on 127.0.0.1 — the only address the stack ever uses.
 *
 * <p>Ports are drawn at random <em>below</em> the kernel's ephemeral range: a port the kernel
 * handed out with bind(0) and got back a moment later may be handed out again at once — to a
 * Temporal server's internal services, or as the local end of any outgoing connection — and the
 * program told to listen there then exits with "address already in use". Ports below that range are
 * never handed out by the kernel, so only two programs picking at random could meet, and this JVM
 * never hands out the same port twice.
 */
public final class LoopbackPorts {

  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int LOWEST = 20_000;
  private static final int ATTEMPTS = 200;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private LoopbackPorts() {}

  /** A port that was free a moment ago (for programs that must be told their port up front). */
  public static int free() {
    int below = ephemeralRangeStart();
    if (below - LOWEST >= 1_000) {
      OptionalInt drawn = drawBelow(below);
      if (drawn.isPresent()) {
        return drawn.getAsInt();
      }
    }
    // no room below the ephemeral range (an unusual kernel setting): let the kernel choose
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /**
   * A port below {@code bound} that was free a moment ago, for a program that cannot take a higher
   * one; like {@link #free()}, never one this JVM handed out before (which its taker may not have
   * bound yet).
   *
   * @throws IllegalStateException when none is free between 20,000 and {@code bound}
   */
  public static int freeBelow(int bound) {
    return drawBelow(bound)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no free loopback port between " + LOWEST + " and " + (bound - 1)));
  }

  private static OptionalInt drawBelow(int bound) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int candidate = ThreadLocalRandom.current().nextInt(LOWEST, bound);
      if (bindable(candidate) && HANDED_OUT.add(candidate)) {
        return OptionalInt.of(candidate);
      }
    }
    return OptionalInt.empty();
  }

  /** Whether something accepts TCP connections on 127.0.0.1:{@code port}. */
  public static boolean accepting(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of the kernel's ephemeral range; 32768 (Linux's default) when unknown. */
  static int ephemeralRangeStart() {
    try {
      // read line by line: /proc reports a size of 0, which readString trusts
      return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).strip().split("\\s+")[0]);
    } catch (IOException | RuntimeException unknown) {
      return 32_768;
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException taken) {
      return false;
    }
  }
}
