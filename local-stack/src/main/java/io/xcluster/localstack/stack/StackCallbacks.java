package io.xcluster.localstack.stack;

import io.xcluster.runtime.launch.CallbackEndpoint;
import io.xcluster.testkit.process.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The callback endpoint a stack on server processes offers: a free loopback port chosen once per
 * run and a fresh signing secret in the work dir, readable by its owner only.
 */
public final class StackCallbacks {

  static final String KEY_FILE = "callback-key";
  static final String PATH = "/xcluster/callbacks";

  private StackCallbacks() {}

  /** A fresh key in {@code workDir} and a free loopback port for the bridges of one run. */
  public static CallbackEndpoint endpoint(Path workDir) {
    Path keyFile = workDir.resolve(KEY_FILE).toAbsolutePath();
    try {
      Files.createDirectories(workDir);
      Files.deleteIfExists(keyFile);
      Files.createFile(
          keyFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      // text, as an operator would write it: the bridge reads the key file as a UTF-8 secret
      Files.writeString(
          keyFile, HexFormat.of().formatHex(new SecureRandom().generateSeed(32)) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the callback key " + keyFile, e);
    }
    int port = LoopbackPorts.free();
    return new CallbackEndpoint(
        URI.create("http://127.0.0.1:" + port + PATH), "127.0.0.1:" + port, keyFile);
  }
}
