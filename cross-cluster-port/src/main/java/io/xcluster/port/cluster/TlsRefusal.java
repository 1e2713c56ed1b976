package io.xcluster.port.cluster;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Optional;

/**
 * Reads a failed connection attempt for the TLS handshake failures that no retry can heal — the
 * frontend refusing this process's client certificate, or this process refusing the frontend's —
 * and says which TLS setting is wrong, in one line. Anything else is left to the caller (an
 * unreachable cluster is retried).
 */
final class TlsRefusal {

  private TlsRefusal() {}

  /**
   * The one-line explanation when {@code failure} is a refused TLS handshake with {@code endpoint};
   * empty otherwise.
   */
  static Optional<String> explain(ClusterEndpoint endpoint, Throwable failure) {
    ClusterTls tls = endpoint.tls();
    if (tls == null) {
      return Optional.empty();
    }
    String where = "cluster " + endpoint.name() + " (" + endpoint.address() + "): ";
    for (Throwable cause = failure;
        cause != null;
        cause = cause.getCause() == cause ? null : cause.getCause()) {
      String message = String.valueOf(cause.getMessage());
      // the frontend's TLS alerts, as BoringSSL (gRPC's netty) reports them; a server may answer a
      // missing certificate with a certificate alert rather than certificate_required (the JDK's
      // does)
      boolean certificateAlert =
          message.contains("ALERT_UNKNOWN_CA")
              || message.contains("ALERT_BAD_CERTIFICATE")
              || message.contains("ALERT_CERTIFICATE_UNKNOWN")
              || message.contains("ALERT_ACCESS_DENIED");
      if (message.contains("CERTIFICATE_REQUIRED") || (certificateAlert && !tls.mutual())) {
        return Optional.of(
            where
                + "the frontend requires a client certificate (mTLS) and none is set:"
                + " set tls.client_cert_path and tls.client_key_path (TEMPORAL_TLS_CLIENT_CERT_PATH / TEMPORAL_TLS_CLIENT_KEY_PATH)");
      }
      if (certificateAlert) {
        return Optional.of(
            where
                + "the frontend refused the client certificate "
                + tls.clientCert()
                + " (tls.client_cert_path /"
                + " TEMPORAL_TLS_CLIENT_CERT_PATH): it is not signed by a CA the cluster trusts");
      }
      // this side refusing the frontend's certificate (the JDK's certificate checks)
      if (cause instanceof CertPathValidatorException || message.contains("PKIX path")) {
        return Optional.of(
            where
                + "the frontend's certificate is not signed by "
                + (tls.serverCaCert() == null
                    ? "a CA the JVM trusts: set tls.server_ca_cert_path (TEMPORAL_TLS_SERVER_CA_CERT_PATH) to the CA that signed it"
                    : "the CA in "
                        + tls.serverCaCert()
                        + " (tls.server_ca_cert_path / TEMPORAL_TLS_SERVER_CA_CERT_PATH)"));
      }
      if (cause instanceof CertificateException
          && message.contains("No ")
          && message.contains("matching")) {
        return Optional.of(
            where
                + "the frontend's certificate does not name the host of the address ("
                + message
                + "):"
                + " set tls.server_name (TEMPORAL_TLS_SERVER_NAME) to a name it carries");
      }
    }
    return Optional.empty();
  }
}
