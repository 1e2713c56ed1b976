package io.xcluster.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.testkit.tls.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporalProfilesTest {

  @TempDir Path dir;

  private Path profiles(String toml) throws Exception {
    Path file = dir.resolve("temporal.toml");
    Files.writeString(file, toml);
    return file;
  }

  @Test
  void aClusterIsReadFromTheProfileNamedAfterIt() throws Exception {
    Path file =
        profiles(
            """
        [profile.us-east]
        address = "us-east.example:7233"
        namespace = "orders"
        [profile.eu-west]
        address = "eu-west.example:7233"
        """);
    TemporalProfiles loaded =
        TemporalProfiles.load(null, Map.of("TEMPORAL_CONFIG_FILE", file.toString()));

    ClusterEndpoint usEast = loaded.single("us-east", "127.0.0.1:7233", null, null).endpoint();
    ClusterEndpoint euWest =
        loaded.oneOfTwo("eu-west", "127.0.0.1:7234", null, null, "--target").endpoint();

    assertEquals(new ClusterEndpoint("us-east", "us-east.example:7233", "orders"), usEast);
    assertEquals(new ClusterEndpoint("eu-west", "eu-west.example:7233", "default"), euWest);
  }

  @Test
  void environmentOverridesTheProfileAndFlagsOverrideBoth() throws Exception {
    Path file =
        profiles("[profile.us-east]\naddress = \"from-file:7233\"\nnamespace = \"file-ns\"\n");
    Map<String, String> env =
        Map.of(
            "TEMPORAL_CONFIG_FILE",
            file.toString(),
            "TEMPORAL_ADDRESS",
            "from-env:7233",
            "TEMPORAL_NAMESPACE",
            "env-ns");
    TemporalProfiles loaded = TemporalProfiles.load(null, env);

    ClusterEndpoint viaEnv = loaded.single("us-east", "127.0.0.1:7233", null, null).endpoint();
    ClusterEndpoint viaFlag =
        loaded.single("us-east", "127.0.0.1:7233", "from-flag:7233", null).endpoint();

    assertEquals("from-env:7233", viaEnv.address());
    assertEquals("env-ns", viaEnv.namespace());
    assertEquals("from-flag:7233", viaFlag.address());
    assertEquals("env-ns", viaFlag.namespace());
  }

  @Test
  void withoutAFileTheBuiltInLoopbackDefaultIsUsedAndSaysSo() {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        Files.exists(Path.of(TemporalProfiles.defaultFile())),
        "this machine has a default profile file");
    TemporalProfiles loaded = TemporalProfiles.load(null, Map.of());
    TemporalProfiles.ResolvedCluster usEast =
        loaded.single("us-east", "127.0.0.1:7233", null, null);

    assertEquals("127.0.0.1:7233", usEast.endpoint().address());
    assertNull(usEast.endpoint().tls());
    assertTrue(usEast.origin().startsWith("built-in defaults"), usEast.origin());
  }

  @Test
  void aMalformedAddressNamesTheSettingItCameFrom() throws Exception {
    Path file = profiles("[profile.eu-west]\naddress = \"eu-west\"\n");
    TemporalProfiles loaded = TemporalProfiles.load(file.toString(), Map.of());

    ConfigException fromFile =
        assertThrows(
            ConfigException.class,
            () -> loaded.oneOfTwo("eu-west", "127.0.0.1:7234", null, null, "--target"));
    ConfigException fromEnv =
        assertThrows(
            ConfigException.class,
            () ->
                TemporalProfiles.load(file.toString(), Map.of("TEMPORAL_ADDRESS", "no port"))
                    .single("us-east", "127.0.0.1:7233", null, null));

    assertEquals(
        "address in [profile.eu-west] of "
            + file
            + "='eu-west': cluster eu-west: not of the form host:port",
        fromFile.getMessage());
    assertEquals(
        "TEMPORAL_ADDRESS='no port': cluster us-east: not of the form host:port",
        fromEnv.getMessage());
  }

  @Test
  void temporalVariablesAreRefusedInAProcessWithTwoClusters() throws Exception {
    TemporalProfiles loaded =
        TemporalProfiles.load(profiles("").toString(), Map.of("TEMPORAL_ADDRESS", "x:7233"));

    ConfigException refused =
        assertThrows(
            ConfigException.class,
            () -> loaded.oneOfTwo("us-east", "127.0.0.1:7233", null, null, "--source"));

    assertTrue(
        refused
            .getMessage()
            .startsWith("TEMPORAL_ADDRESS is set, but this process connects to two clusters"),
        refused.getMessage());
    assertTrue(refused.getMessage().contains("[profile.us-east]"), refused.getMessage());
  }

  @Test
  void aNamedConfigFileThatDoesNotExistStopsStartUp() {
    ConfigException missing =
        assertThrows(
            ConfigException.class,
            () ->
                TemporalProfiles.load(
                    null, Map.of("TEMPORAL_CONFIG_FILE", dir.resolve("nope.toml").toString())));

    assertEquals(
        "--temporal-config-file / TEMPORAL_CONFIG_FILE='"
            + dir.resolve("nope.toml")
            + "': no such readable file",
        missing.getMessage());
  }

  @Test
  void anUnknownKeyInTheProfileFileIsRejectedNamingTheFile() throws Exception {
    Path file = profiles("[profile.us-east]\nadress = \"typo:7233\"\n");

    ConfigException typo =
        assertThrows(ConfigException.class, () -> TemporalProfiles.load(file.toString(), Map.of()));

    assertTrue(
        typo.getMessage()
            .startsWith(
                "--temporal-config-file / TEMPORAL_CONFIG_FILE='"
                    + file
                    + "': cannot be read as Temporal profiles"),
        typo.getMessage());
    assertTrue(typo.getMessage().contains("adress"), typo.getMessage());
  }

  @Test
  void mutualTlsComesFromTheProfilesFilePaths() throws Exception {
    TestCertificates certs = TestCertificates.createIn(dir.resolve("pki"));
    Path file =
        profiles(
            """
        [profile.eu-west]
        address = "eu-west.example:7233"
        [profile.eu-west.tls]
        client_cert_path = "%s"
        client_key_path = "%s"
        server_ca_cert_path = "%s"
        server_name = "frontend.eu-west"
        """
                .formatted(certs.clientCert(), certs.clientKey(), certs.caCert()));

    ClusterEndpoint euWest =
        TemporalProfiles.load(file.toString(), Map.of())
            .oneOfTwo("eu-west", "127.0.0.1:7234", null, null, "--target")
            .endpoint();

    assertTrue(euWest.tls().mutual());
    assertEquals(certs.caCert(), euWest.tls().serverCaCert());
    assertEquals("frontend.eu-west", euWest.tls().serverName());
    assertEquals("eu-west (eu-west.example:7233, namespace default, mTLS)", euWest.describe());
  }

  @Test
  void aClientCertificateWithoutItsKeyIsRefused() throws Exception {
    TestCertificates certs = TestCertificates.createIn(dir.resolve("pki"));

    ConfigException halfMtls =
        assertThrows(
            ConfigException.class,
            () ->
                TemporalProfiles.load(
                        profiles("").toString(),
                        Map.of("TEMPORAL_TLS_CLIENT_CERT_PATH", certs.clientCert().toString()))
                    .single("us-east", "127.0.0.1:7233", null, null));

    assertTrue(
        halfMtls
            .getMessage()
            .startsWith("TEMPORAL_TLS_CLIENT_CERT_PATH='" + certs.clientCert() + "'"),
        halfMtls.getMessage());
    assertTrue(
        halfMtls
            .getMessage()
            .contains("TEMPORAL_TLS_CLIENT_KEY_PATH (or its profile setting) is missing"),
        halfMtls.getMessage());
  }

  @Test
  void apiKeysAreRefusedRatherThanIgnored() {
    ConfigException refused =
        assertThrows(
            ConfigException.class,
            () -> TemporalProfiles.load(null, Map.of("TEMPORAL_API_KEY", "secret")));

    assertTrue(refused.getMessage().startsWith("TEMPORAL_API_KEY is set"), refused.getMessage());
    assertTrue(!refused.getMessage().contains("secret"));
  }

  @Test
  void skippingHostVerificationIsRefusedBecauseItWouldTrustAnyCertificate() throws Exception {
    Path file =
        profiles(
            "[profile.us-east]\naddress = \"x:7233\"\n[profile.us-east.tls]\ndisable_host_verification = true\n");

    ConfigException refused =
        assertThrows(
            ConfigException.class,
            () ->
                TemporalProfiles.load(file.toString(), Map.of())
                    .single("us-east", "127.0.0.1:7233", null, null));

    assertTrue(
        refused
            .getMessage()
            .startsWith(
                "tls.disable_host_verification in [profile.us-east] of " + file + "='true'"),
        refused.getMessage());
  }

  @Test
  void aCertificateFileThatIsNotPemStopsStartUpNamingTheSetting() throws Exception {
    TestCertificates certs = TestCertificates.createIn(dir.resolve("pki"));
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");

    ConfigException unusable =
        assertThrows(
            ConfigException.class,
            () ->
                TemporalProfiles.load(
                        profiles("").toString(),
                        Map.of(
                            "TEMPORAL_TLS_CLIENT_CERT_PATH",
                            garbage.toString(),
                            "TEMPORAL_TLS_CLIENT_KEY_PATH",
                            certs.clientKey().toString()))
                    .single("us-east", "127.0.0.1:7233", null, null));

    assertTrue(
        unusable
            .getMessage()
            .startsWith(
                "TEMPORAL_TLS_CLIENT_KEY_PATH='"
                    + certs.clientKey()
                    + "': cluster us-east: the TLS files cannot be used"),
        unusable.getMessage());
  }

  @Test
  void temporalProfileIsRefusedInAProcessWithTwoClusters() throws Exception {
    TemporalProfiles loaded =
        TemporalProfiles.load(profiles("").toString(), Map.of("TEMPORAL_PROFILE", "prod"));

    ConfigException refused =
        assertThrows(
            ConfigException.class,
            () -> loaded.oneOfTwo("eu-west", "127.0.0.1:7234", null, null, "--target"));

    assertTrue(
        refused
            .getMessage()
            .startsWith("TEMPORAL_PROFILE is set, but this process connects to two clusters"),
        refused.getMessage());
  }

  @Test
  void anEmptyNamespaceOrAddressFlagStopsStartUpInsteadOfFallingBackToTheProfile() {
    TemporalProfiles loaded = TemporalProfiles.load(null, Map.of());

    ConfigException namespace =
        assertThrows(
            ConfigException.class,
            () -> loaded.oneOfTwo("eu-west", "127.0.0.1:7234", null, "", "--target"));
    ConfigException address =
        assertThrows(
            ConfigException.class, () -> loaded.single("us-east", "127.0.0.1:7233", " ", null));

    assertEquals(
        "--target-namespace='': cluster eu-west: must not be empty", namespace.getMessage());
    assertEquals("--address=' ': cluster us-east: must not be empty", address.getMessage());
  }
}
