package io.xcluster.transport.bridge.callback;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A callback's credential, bound to one call: {@code v1.<expiry epoch seconds>.<HMAC-SHA256 of the
 * call id and expiry>}. The target cluster stores it with the callback and sends it back as a
 * header, so the endpoint can tell a callback it asked for from anyone else's POST without keeping
 * any state per call.
 */
public final class CallbackToken {

  /** The header the token travels in. */
  public static final String HEADER = "Xcluster-Callback-Token";

  private static final String VERSION = "v1";
  private static final String ALGORITHM = "HmacSHA256";

  /** Why a token was refused; each maps to one answer of the endpoint. */
  public enum Verdict {
    VALID,
    /** No token at all. */
    MISSING,
    /** Not of the token's form. */
    MALFORMED,
    /** Well-formed, signed for this call, but past its expiry. */
    EXPIRED,
    /** Not signed with our key for this call: forged, or replayed from another call. */
    NOT_FOR_THIS_CALL
  }

  private final CallbackKey key;

  public CallbackToken(CallbackKey key) {
    this.key = key;
  }

  /** A token for {@code callId}, valid until {@code expiry}. */
  public String issue(String callId, Instant expiry) {
    long expires = expiry.getEpochSecond();
    return VERSION + "." + expires + "." + encode(mac(callId, expires));
  }

  /** Checks {@code token} for {@code callId} at {@code now}. */
  public Verdict verify(String token, String callId, Instant now) {
    if (token == null || token.isBlank()) {
      return Verdict.MISSING;
    }
    String[] parts = token.strip().split("\\.", -1);
    if (parts.length != 3 || !VERSION.equals(parts[0])) {
      return Verdict.MALFORMED;
    }
    long expires;
    byte[] presented;
    try {
      expires = Long.parseLong(parts[1]);
      presented = Base64.getUrlDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      return Verdict.MALFORMED;
    }
    // Constant-time comparison: timing must not tell a forger how much of the MAC was right.
    if (!MessageDigest.isEqual(mac(callId, expires), presented)) {
      return Verdict.NOT_FOR_THIS_CALL;
    }
    return now.getEpochSecond() < expires ? Verdict.VALID : Verdict.EXPIRED;
  }

  private byte[] mac(String callId, long expires) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key.secret(), ALGORITHM));
      return mac.doFinal(
          (VERSION + "\n" + callId + "\n" + expires).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JVM lacks " + ALGORITHM, e);
    }
  }

  private static String encode(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
