package io.xcluster.region.useast.orders.usecase;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Order ids, which are also the order workflows' ids. With an {@code Idempotency-Key} the id is
 * derived from the customer and the key, so a retried request finds the order the first one placed;
 * without, it is random. The id stays taken for the namespace's retention period after the order
 * closes; a key retried later than that places a new order.
 */
final class OrderIds {

  static final int MAX_KEY_LENGTH = 255;

  private OrderIds() {}

  /** Keys are scoped by customer: two customers that happen to pick the same key get two orders. */
  static String forIdempotencyKey(String customerId, String key) {
    return "ord-"
        + UUID.nameUUIDFromBytes(
            ("idempotency-key:"
                    + String.valueOf(customerId).length()
                    + ":"
                    + customerId
                    + ":"
                    + key)
                .getBytes(StandardCharsets.UTF_8));
  }

  static String fresh() {
    return "ord-" + UUID.randomUUID();
  }

  /**
   * A fingerprint of a request body, to tell a retry (same body) from a reused key (different
   * body).
   */
  static String fingerprint(byte[] canonicalBody) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonicalBody));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
