package io.xcluster.transport.bridge.callback;

import io.xcluster.runtime.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The secret every bridge replica signs and checks callback tokens with. All replicas behind the
 * callback address must share it: a callback may reach any of them.
 */
public final class CallbackKey {

  /** HMAC-SHA256 keys shorter than its output add no strength; shorter ones are refused. */
  static final int MIN_BYTES = 32;

  private final byte[] secret;

  private CallbackKey(byte[] secret) {
    this.secret = secret;
  }

  /**
   * @param setting the setting the key came from, named in the error if it is too short
   */
  public static CallbackKey of(byte[] secret, String setting) {
    if (secret == null || secret.length < MIN_BYTES) {
      throw new ConfigException(
          setting
              + ": the callback key must have at least "
              + MIN_BYTES
              + " bytes, has "
              + (secret == null ? 0 : secret.length));
    }
    return new CallbackKey(secret.clone());
  }

  /**
   * The key file's content, surrounding whitespace removed (a trailing newline is no part of the
   * key).
   */
  public static CallbackKey fromFile(Path file, String setting) {
    try {
      return of(
          Files.readString(file, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8),
          setting + "='" + file + "'");
    } catch (IOException e) {
      throw ConfigException.invalid(setting, file, "cannot be read: " + e.getMessage());
    }
  }

  byte[] secret() {
    return secret.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CallbackKey key && Arrays.equals(secret, key.secret);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(secret);
  }

  @Override
  public String toString() {
    return "CallbackKey[" + secret.length + " bytes]";
  }
}
