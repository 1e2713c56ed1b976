package io.xcluster.runtime.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS from PEM files, as NATS tools configure it ({@code NATS_CA}, {@code NATS_CERT}, {@code
 * NATS_KEY}), turned into a JDK {@link SSLContext}. Keys must be PKCS#8 ({@code BEGIN PRIVATE
 * KEY}); the error for an older format says how to convert it.
 *
 * @param ca CA certificate(s) to trust, or null for the JVM's trust store
 * @param cert client certificate chain for mutual TLS, or null
 * @param key the client certificate's private key, or null
 * @param settings the names of the three settings, for error messages
 */
public record PemTls(Path ca, Path cert, Path key, String[] settings) {

  public SSLContext sslContext() {
    try {
      TrustManagerFactory trust = null;
      if (ca != null) {
        KeyStore trusted = emptyStore();
        int i = 0;
        for (Certificate certificate : certificates(ca, settings[0])) {
          trusted.setCertificateEntry("ca-" + i++, certificate);
        }
        trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
      }
      KeyManagerFactory keys = null;
      if (cert != null) {
        KeyStore identity = emptyStore();
        Collection<? extends Certificate> chain = certificates(cert, settings[1]);
        identity.setKeyEntry(
            "client", privateKey(), new char[0], chain.toArray(new Certificate[0]));
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity, new char[0]);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          keys == null ? null : keys.getKeyManagers(),
          trust == null ? null : trust.getTrustManagers(),
          null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException(
          "TLS files " + describe() + " cannot be used: " + e.getMessage(), e);
    }
  }

  private String describe() {
    return settings[0]
        + "="
        + ca
        + ", "
        + settings[1]
        + "="
        + cert
        + ", "
        + settings[2]
        + "="
        + key;
  }

  private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    return store;
  }

  private static Collection<? extends Certificate> certificates(Path file, String setting)
      throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> found =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (found.isEmpty()) {
        throw ConfigException.invalid(setting, file, "holds no PEM certificate");
      }
      return found;
    } catch (GeneralSecurityException e) {
      throw ConfigException.invalid(setting, file, "is not a PEM certificate: " + e.getMessage());
    }
  }

  private PrivateKey privateKey() throws IOException {
    String pem = Files.readString(key, StandardCharsets.US_ASCII);
    if (pem.contains("BEGIN RSA PRIVATE KEY")
        || pem.contains("BEGIN EC PRIVATE KEY")
        || pem.contains("ENCRYPTED PRIVATE KEY")) {
      throw ConfigException.invalid(
          settings[2],
          key,
          "is not an unencrypted PKCS#8 key; convert it with: openssl pkcs8 -topk8 -nocrypt -in "
              + key.getFileName()
              + " -out key.pk8.pem");
    }
    int start = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (start < 0 || end < start) {
      throw ConfigException.invalid(
          settings[2], key, "holds no '-----BEGIN PRIVATE KEY-----' block");
    }
    byte[] der;
    try {
      der =
          Base64.getMimeDecoder()
              .decode(pem.substring(start + "-----BEGIN PRIVATE KEY-----".length(), end));
    } catch (IllegalArgumentException notBase64) {
      throw ConfigException.invalid(settings[2], key, "the key block is not valid base64");
    }
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException wrongAlgorithm) {
        // try the next one: PKCS#8 names the algorithm inside, but KeyFactory wants it up front
      }
    }
    throw ConfigException.invalid(settings[2], key, "is not an RSA, EC or Ed25519 PKCS#8 key");
  }
}
