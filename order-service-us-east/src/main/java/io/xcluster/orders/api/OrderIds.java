package io.xcluster.orders.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Order ids, which are also the order workflows' ids. With an {@code Idempotency-Key} the id is
 * derived from the key, so a retried request finds the order the first one placed; without, it is random.
 */
final class OrderIds {

  static final int MAX_KEY_LENGTH = 255;

  private OrderIds() {}

  static String forIdempotencyKey(String key) {
    return "ord-" + UUID.nameUUIDFromBytes(("idempotency-key:" + key).getBytes(StandardCharsets.UTF_8));
  }

  static String fresh() {
    return "ord-" + UUID.randomUUID();
  }

  /** A fingerprint of a request body, to tell a retry (same body) from a reused key (different body). */
  static String fingerprint(byte[] canonicalBody) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonicalBody));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
