package io.xcluster.localstack.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.runtime.launch.CallbackEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackCallbacksTest {

  @Test
  void eachRunGetsAFreshOwnerOnlyKeyAndOneLoopbackAddressForUrlAndListener(@TempDir Path dir)
      throws Exception {
    CallbackEndpoint first = StackCallbacks.endpoint(dir);
    String firstKey = Files.readString(first.keyFile()).strip();
    CallbackEndpoint second = StackCallbacks.endpoint(dir);

    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(first.keyFile())));
    assertTrue(firstKey.length() >= 32, "the bridge wants 32 bytes or more: " + firstKey.length());
    assertNotEquals(firstKey, Files.readString(second.keyFile()).strip(), "a fresh key per run");
    assertEquals(
        "http://" + first.listen() + StackCallbacks.PATH,
        first.url().toString(),
        "the target calls the address the endpoint binds");
    assertTrue(first.listen().startsWith("127.0.0.1:"));
  }

  @Test
  void devServerConfigIsReplacedWholeBySettingAndRefusedUnlessKeyEqualsValue() {
    assertEquals(TemporalDevServer.DEFAULT_EXTRA_CONFIG, TemporalDevServer.extraConfig(null));
    assertEquals(
        java.util.List.of("history.transferProcessorMaxPollRPS=20"),
        TemporalDevServer.extraConfig(" history.transferProcessorMaxPollRPS=20 ; "));
    assertEquals(java.util.List.of(), TemporalDevServer.extraConfig(""));
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> TemporalDevServer.extraConfig("limit 20"));
    assertTrue(e.getMessage().startsWith("XCLUSTER_DEV_SERVER_CONFIG: 'limit 20'"), e.getMessage());
  }
}
