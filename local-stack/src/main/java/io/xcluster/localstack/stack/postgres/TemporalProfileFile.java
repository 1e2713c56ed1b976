package io.xcluster.localstack.stack.postgres;

import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.cluster.ClusterTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Temporal profile file (the TOML that {@code temporal-envconfig} and the Temporal CLI read): one
 * {@code [profile.<cluster>]} per endpoint with its address, namespace and TLS files — how every
 * process of the stack is told where its clusters are and which certificate to present.
 */
public final class TemporalProfileFile {

  private TemporalProfileFile() {}

  public static void write(Path file, ClusterEndpoint... endpoints) throws IOException {
    StringBuilder toml =
        new StringBuilder(
            "# written by local-stack for this run: where its clusters are, with their TLS files\n");
    for (ClusterEndpoint endpoint : endpoints) {
      toml.append("\n[profile.")
          .append(endpoint.name())
          .append("]\n")
          .append("address = \"")
          .append(endpoint.address())
          .append("\"\n")
          .append("namespace = \"")
          .append(endpoint.namespace())
          .append("\"\n");
      ClusterTls tls = endpoint.tls();
      if (tls != null) {
        toml.append("\n[profile.")
            .append(endpoint.name())
            .append(".tls]\n")
            .append("server_ca_cert_path = \"")
            .append(tls.serverCaCert())
            .append("\"\n")
            .append("client_cert_path = \"")
            .append(tls.clientCert())
            .append("\"\n")
            .append("client_key_path = \"")
            .append(tls.clientKey())
            .append("\"\n");
      }
    }
    Files.writeString(file, toml);
  }
}
