package io.xcluster.transport.bridge.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.runtime.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CallbackTokenTest {

  static final CallbackKey KEY =
      CallbackKey.of("k".repeat(32).getBytes(StandardCharsets.UTF_8), "test");
  private static final String CALL = "us-east:order-1:fulfillment";
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  private final CallbackToken tokens = new CallbackToken(KEY);

  @Test
  void tokenIssuedForACallIsValidForThatCallUntilItExpires() {
    String token = tokens.issue(CALL, NOW.plusSeconds(60));

    assertEquals(CallbackToken.Verdict.VALID, tokens.verify(token, CALL, NOW));
    assertEquals(CallbackToken.Verdict.VALID, tokens.verify(token, CALL, NOW.plusSeconds(59)));
    assertEquals(CallbackToken.Verdict.EXPIRED, tokens.verify(token, CALL, NOW.plusSeconds(60)));
  }

  @Test
  void tokenOfAnotherCallIsNotForThisOne() {
    String token = tokens.issue("us-east:order-2:fulfillment", NOW.plusSeconds(60));

    assertEquals(CallbackToken.Verdict.NOT_FOR_THIS_CALL, tokens.verify(token, CALL, NOW));
  }

  @Test
  void tokenSignedWithAnotherKeyOrWithAnExtendedExpiryIsForged() {
    CallbackToken otherKey =
        new CallbackToken(CallbackKey.of("x".repeat(32).getBytes(StandardCharsets.UTF_8), "test"));
    String forged = otherKey.issue(CALL, NOW.plusSeconds(60));
    String genuine = tokens.issue(CALL, NOW.plusSeconds(60));
    String[] parts = genuine.split("\\.");
    String extended = parts[0] + "." + (Long.parseLong(parts[1]) + 86_400) + "." + parts[2];

    assertEquals(CallbackToken.Verdict.NOT_FOR_THIS_CALL, tokens.verify(forged, CALL, NOW));
    assertEquals(CallbackToken.Verdict.NOT_FOR_THIS_CALL, tokens.verify(extended, CALL, NOW));
  }

  @Test
  void absentOrGarbledTokensAreToldApart() {
    assertEquals(CallbackToken.Verdict.MISSING, tokens.verify(null, CALL, NOW));
    assertEquals(CallbackToken.Verdict.MISSING, tokens.verify(" ", CALL, NOW));
    assertEquals(CallbackToken.Verdict.MALFORMED, tokens.verify("Bearer abc", CALL, NOW));
    assertEquals(CallbackToken.Verdict.MALFORMED, tokens.verify("v1.soon.abc", CALL, NOW));
    assertEquals(CallbackToken.Verdict.MALFORMED, tokens.verify("v1.1.***", CALL, NOW));
  }

  @Test
  void keyShorterThan32BytesStopsStartUpNamingTheSetting() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                CallbackKey.of(
                    "short".getBytes(StandardCharsets.UTF_8),
                    "XCLUSTER_BRIDGE_CALLBACK_KEY_FILE=/k"));

    assertTrue(e.getMessage().startsWith("XCLUSTER_BRIDGE_CALLBACK_KEY_FILE=/k: "), e.getMessage());
  }
}
