package io.xcluster.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.testkit.tls.TestCertificates;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NatsAccessTest {

  @TempDir Path dir;

  @Test
  void theFlagWinsOverNatsUrlWhichWinsOverTheDefault() {
    assertEquals(NatsAccess.DEFAULT_URL, NatsAccess.fromEnvironment(null, Map.of()).url());
    assertEquals(
        "nats://env:4222",
        NatsAccess.fromEnvironment(null, Map.of("NATS_URL", "nats://env:4222")).url());
    assertEquals(
        "nats://flag:4222",
        NatsAccess.fromEnvironment("nats://flag:4222", Map.of("NATS_URL", "nats://env:4222"))
            .url());
  }

  @Test
  void aMalformedUrlNamesTheFlagAndItsVariableWhereverItCameFrom() {
    ConfigException fromEnv =
        assertThrows(
            ConfigException.class,
            () -> NatsAccess.fromEnvironment(null, Map.of("NATS_URL", "localhost:4222")));
    ConfigException fromFlag =
        assertThrows(
            ConfigException.class, () -> NatsAccess.fromEnvironment("http://x:1", Map.of()));

    assertTrue(
        fromEnv
            .getMessage()
            .startsWith("--nats-url / NATS_URL='localhost:4222': not of the form nats://host:port"),
        fromEnv.getMessage());
    assertTrue(
        fromFlag.getMessage().startsWith("--nats-url / NATS_URL='http://x:1'"),
        fromFlag.getMessage());
  }

  @Test
  void aPortOutOfRangeOrNotANumberStopsStartUpNamingTheNatsUrlSetting() {
    for (String url :
        List.of(
            "nats://127.0.0.1:99999",
            "nats://127.0.0.1:0",
            "nats://127.0.0.1:42x2",
            "nats://127.0.0.1:4222,nats://127.0.0.1:65536")) {
      ConfigException refused =
          assertThrows(
              ConfigException.class,
              () -> NatsAccess.fromEnvironment(null, Map.of("NATS_URL", url)),
              url);
      assertTrue(
          refused.getMessage().startsWith("--nats-url / NATS_URL='" + url + "': port '"),
          refused.getMessage());
      assertTrue(
          refused.getMessage().endsWith("is not in the range 1-65535"), refused.getMessage());
    }
    assertEquals(
        "nats://127.0.0.1:65535,tls://[::1]:1",
        NatsAccess.fromEnvironment("nats://127.0.0.1:65535, tls://[::1]:1", Map.of()).url());
  }

  @Test
  void anEmptyNatsUrlStopsStartUpNamingTheSetting() {
    ConfigException fromEnv =
        assertThrows(
            ConfigException.class, () -> NatsAccess.fromEnvironment(null, Map.of("NATS_URL", "")));
    ConfigException fromFlag =
        assertThrows(ConfigException.class, () -> NatsAccess.fromEnvironment(" ", Map.of()));

    assertEquals("--nats-url / NATS_URL='': must not be empty", fromEnv.getMessage());
    assertEquals("--nats-url / NATS_URL=' ': must not be empty", fromFlag.getMessage());
  }

  @Test
  void mutualTlsFilesBuildAContextAndAreDescribedWithoutSecrets() throws Exception {
    TestCertificates certs = TestCertificates.createIn(dir);
    NatsAccess access =
        NatsAccess.fromEnvironment(
            "tls://127.0.0.1:4222",
            Map.of(
                "NATS_CA",
                certs.caCert().toString(),
                "NATS_CERT",
                certs.clientCert().toString(),
                "NATS_KEY",
                certs.clientKey().toString(),
                "NATS_USER",
                "svc",
                "NATS_PASSWORD",
                "hunter2"));

    assertNotNull(access.sslContext());
    assertEquals("tls://127.0.0.1:4222 (mTLS, user svc)", access.describe());
    assertTrue(!access.toString().contains("hunter2"));
  }

  @Test
  void aCertificateWithoutItsKeyIsRefused() throws Exception {
    TestCertificates certs = TestCertificates.createIn(dir);

    ConfigException half =
        assertThrows(
            ConfigException.class,
            () ->
                NatsAccess.fromEnvironment(
                    null, Map.of("NATS_CERT", certs.clientCert().toString())));

    assertEquals(
        "NATS_CERT='"
            + certs.clientCert()
            + "': mutual TLS needs both NATS_CERT and NATS_KEY; NATS_KEY is missing",
        half.getMessage());
  }

  @Test
  void anOldFormatKeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
    TestCertificates certs = TestCertificates.createIn(dir);
    NatsAccess access =
        NatsAccess.fromEnvironment(
            null,
            Map.of(
                "NATS_CERT",
                certs.clientCert().toString(),
                "NATS_KEY",
                certs.clientKeyPkcs1().toString()));

    ConfigException pkcs1 = assertThrows(ConfigException.class, access::sslContext);

    assertTrue(
        pkcs1
            .getMessage()
            .startsWith(
                "NATS_KEY='" + certs.clientKeyPkcs1() + "': is not an unencrypted PKCS#8 key"),
        pkcs1.getMessage());
    assertTrue(pkcs1.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), pkcs1.getMessage());
  }

  @Test
  void aMissingFileIsNamed() {
    ConfigException missing =
        assertThrows(
            ConfigException.class,
            () ->
                NatsAccess.fromEnvironment(
                    null, Map.of("NATS_CA", dir.resolve("ca.pem").toString())));

    assertEquals(
        "NATS_CA='" + dir.resolve("ca.pem") + "': no such readable file", missing.getMessage());
  }

  @Test
  void plaintextWithoutCredentialsNeedsNoFiles() {
    NatsAccess access = NatsAccess.fromEnvironment(null, Map.of());

    assertNull(access.sslContext());
    assertEquals(NatsAccess.DEFAULT_URL + " (plaintext, no credentials)", access.describe());
  }

  @Test
  void credentialsInTheUrlAreRefusedWithoutRepeatingThem() {
    ConfigException refused =
        assertThrows(
            ConfigException.class,
            () ->
                NatsAccess.fromEnvironment(
                    null, Map.of("NATS_URL", "nats://svc:hunter2@nats:4222")));

    assertEquals(
        "--nats-url / NATS_URL holds credentials (user:password@); put them in NATS_USER / NATS_PASSWORD or NATS_CREDS instead",
        refused.getMessage());
  }
}
