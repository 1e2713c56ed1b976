package io.xcluster.runtime.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.cluster.ClusterTls;
import io.xcluster.testkit.tls.TestCertificates;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A frontend that requires mutual TLS (a gRPC server on loopback with the cluster's CA) refuses a
 * client certificate from another CA, and a client without one; a client that trusts another CA
 * refuses the frontend. Each is a setting to fix, not an outage: the connection fails at once with
 * a message naming the TLS setting, which {@code ServiceProcess.connect} turns into a refusal at
 * start-up. (On real servers: MutualTlsOnProductionLikeStackIT.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefusedCertificatesTest {

  @TempDir static Path dir;
  private TestCertificates cluster;
  private TestCertificates otherCa;
  private Server frontend;

  @BeforeAll
  void startFrontend() throws Exception {
    cluster = TestCertificates.createIn(dir.resolve("cluster"));
    otherCa = TestCertificates.createIn(dir.resolve("other"));
    frontend =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            // the JDK's TLS on the server side: it answers an unknown client CA with a certificate
            // alert, as
            // Temporal's (Go) frontend does; netty's OpenSSL server would send internal_error
            // instead
            .sslContext(
                GrpcSslContexts.configure(
                        SslContextBuilder.forServer(
                            cluster.serverCert().toFile(), cluster.serverKey().toFile()),
                        SslProvider.JDK)
                    .trustManager(cluster.caCert().toFile())
                    .clientAuth(ClientAuth.REQUIRE)
                    .build())
            .build()
            .start();
  }

  @AfterAll
  void stopFrontend() {
    if (frontend != null) {
      frontend.shutdownNow();
    }
  }

  @Test
  void aClientCertificateFromAnotherCaIsRefusedNamingTheSetting() {
    String refusal =
        refusalWith(
            new ClusterTls(cluster.caCert(), otherCa.clientCert(), otherCa.clientKey(), null));
    assertTrue(
        refusal.contains("tls.client_cert_path")
            && refusal.contains(otherCa.clientCert().toString()),
        refusal);
  }

  @Test
  void noClientCertificateIsRefusedNamingTheSettings() {
    String refusal = refusalWith(new ClusterTls(cluster.caCert(), null, null, null));
    assertTrue(
        refusal.contains("tls.client_cert_path") && refusal.contains("tls.client_key_path"),
        refusal);
  }

  @Test
  void aFrontendSignedByAnotherCaIsRefusedNamingTheSetting() {
    String refusal =
        refusalWith(
            new ClusterTls(otherCa.caCert(), cluster.clientCert(), cluster.clientKey(), null));
    assertTrue(
        refusal.contains("tls.server_ca_cert_path")
            && refusal.contains(otherCa.caCert().toString()),
        refusal);
  }

  private String refusalWith(ClusterTls tls) {
    ClusterEndpoint endpoint =
        new ClusterEndpoint("eu-west", "127.0.0.1:" + frontend.getPort(), "default", tls);
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClusterConnection.open(endpoint, Duration.ofSeconds(5)),
            "a refused handshake must not look like an unreachable cluster (that is retried forever)");
    assertTrue(
        refused.getMessage().startsWith("cluster eu-west (127.0.0.1:" + frontend.getPort() + "): "),
        refused.getMessage());
    assertTrue(refused.getMessage().lines().count() == 1, "one line: " + refused.getMessage());
    return refused.getMessage();
  }
}
