package io.xcluster.testkit.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for TLS tests, generated per run: a CA, a server certificate for {@code
 * localhost} / {@code 127.0.0.1}, and a client certificate, written as PEM files (keys as PKCS#8).
 */
public record TestCertificates(
    Path caCert,
    Path serverCert,
    Path serverKey,
    Path clientCert,
    Path clientKey,
    Path clientKeyPkcs1) {

  public static TestCertificates createIn(Path dir) throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    KeyPair caKeys = rsa();
    X509Certificate ca =
        sign(
            new X500Name("CN=xcluster test CA"),
            caKeys,
            new X500Name("CN=xcluster test CA"),
            caKeys.getPrivate(),
            true,
            null,
            null);
    KeyPair serverKeys = rsa();
    X509Certificate server =
        sign(
            new X500Name("CN=localhost"),
            serverKeys,
            new X500Name("CN=xcluster test CA"),
            caKeys.getPrivate(),
            false,
            new GeneralNames(
                new GeneralName[] {
                  new GeneralName(GeneralName.dNSName, "localhost"),
                  new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                }),
            KeyPurposeId.id_kp_serverAuth);
    KeyPair clientKeys = rsa();
    X509Certificate client =
        sign(
            new X500Name("CN=xcluster-service"),
            clientKeys,
            new X500Name("CN=xcluster test CA"),
            caKeys.getPrivate(),
            false,
            null,
            KeyPurposeId.id_kp_clientAuth);
    TestCertificates files =
        new TestCertificates(
            dir.resolve("ca.pem"),
            dir.resolve("server.pem"),
            dir.resolve("server-key.pem"),
            dir.resolve("client.pem"),
            dir.resolve("client-key.pem"),
            dir.resolve("client-key-pkcs1.pem"));
    write(files.caCert, ca);
    write(files.serverCert, server);
    write(files.serverKey, new JcaPKCS8Generator(serverKeys.getPrivate(), null));
    write(files.clientCert, client);
    write(files.clientKey, new JcaPKCS8Generator(clientKeys.getPrivate(), null));
    write(
        files.clientKeyPkcs1,
        clientKeys.getPrivate()); // the "BEGIN RSA PRIVATE KEY" form older tools write
    return files;
  }

  private static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(
      X500Name subject,
      KeyPair subjectKeys,
      X500Name issuer,
      PrivateKey issuerKey,
      boolean ca,
      GeneralNames altNames,
      KeyPurposeId purpose)
      throws GeneralSecurityException, IOException {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(Duration.ofDays(1))),
            subject,
            subjectKeys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (ca) {
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
    }
    if (altNames != null) {
      builder.addExtension(Extension.subjectAlternativeName, false, altNames);
    }
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static void write(Path file, Object pem) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(pem);
    }
    Files.writeString(file, text.toString());
  }
}
