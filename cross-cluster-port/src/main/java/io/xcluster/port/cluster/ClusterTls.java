package io.xcluster.port.cluster;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS for one cluster connection, from PEM files: the CA that signed the frontend's certificate
 * (none = the JVM's trust store), and for mutual TLS the client certificate and its PKCS#8 key.
 *
 * @param serverCaCert CA certificate(s) to trust, or null for the JVM's defaults
 * @param clientCert client certificate chain for mTLS, or null
 * @param clientKey the client certificate's private key (PKCS#8 PEM), or null
 * @param serverName the name expected in the frontend's certificate when it differs from the
 *     address host, or null
 */
public record ClusterTls(Path serverCaCert, Path clientCert, Path clientKey, String serverName) {

  public ClusterTls {
    if ((clientCert == null) != (clientKey == null)) {
      throw new IllegalArgumentException(
          "mTLS needs both a client certificate and its key; only "
              + (clientCert == null
                  ? "the key (" + clientKey + ")"
                  : "the certificate (" + clientCert + ")")
              + " was given");
    }
    for (Path file : new Path[] {serverCaCert, clientCert, clientKey}) {
      if (file != null && !Files.isReadable(file)) {
        throw new IllegalArgumentException(
            "TLS file " + file + " does not exist or is not readable");
      }
    }
  }

  public boolean mutual() {
    return clientCert != null;
  }
}
