package io.xcluster.testkit.temporal;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Temporal's in-process Java test server on a loopback port, in real time.
 *
 * <p>{@code TestServer.createPortBoundServer} would do, but it binds every interface and cannot
 * report the port it got; this binds 127.0.0.1 only, and port 0 picks a free one without a race.
 */
public final class EmbeddedTemporalServer implements AutoCloseable {

  private final TestServicesStarter services;
  private final Server grpcServer;

  private EmbeddedTemporalServer(TestServicesStarter services, Server grpcServer) {
    this.services = services;
    this.grpcServer = grpcServer;
  }

  /** Starts a server on {@code 127.0.0.1:port}; {@code port} 0 picks a free port. */
  public static EmbeddedTemporalServer start(int port) {
    // true: time skipping locked, i.e. real time (the metrics of an unlocked server overflow)
    TestServicesStarter services = new TestServicesStarter(true, 0);
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    try {
      return new EmbeddedTemporalServer(services, builder.build().start());
    } catch (IOException e) {
      services.close();
      throw new IllegalStateException(
          "cannot start an embedded Temporal server on 127.0.0.1:"
              + port
              + " ("
              + e.getMessage()
              + "); is the port in use?",
          e);
    }
  }

  public int port() {
    return grpcServer.getPort();
  }

  public String address() {
    return "127.0.0.1:" + port();
  }

  @Override
  public void close() {
    grpcServer.shutdownNow();
    try {
      // let in-flight long polls end before the services they call stop
      grpcServer.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    services.close();
  }
}
