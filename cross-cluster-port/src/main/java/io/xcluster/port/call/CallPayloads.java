package io.xcluster.port.call;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.common.converter.JacksonJsonPayloadConverter;

/**
 * Converts between a side's own Java types and the JSON that crosses clusters. Uses Temporal's
 * default mapper configuration, so a value reads the same whether it arrived as a workflow argument
 * or through a transport, except that unknown fields are ignored: each region reads only the fields
 * it needs (a tolerant reader), so the other side may add fields without a coordinated release.
 * Pure and deterministic: safe in workflows.
 */
public final class CallPayloads {

  private static final ObjectMapper MAPPER =
      JacksonJsonPayloadConverter.newDefaultObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private CallPayloads() {}

  public static JsonNode encode(Object value) {
    return MAPPER.valueToTree(value);
  }

  /** JSON bytes, for transports that carry messages (a broker's message body). */
  public static byte[] toBytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot write "
              + value.getClass().getSimpleName()
              + " as JSON: "
              + e.getOriginalMessage(),
          e);
    }
  }

  /**
   * Reads JSON bytes as {@code type}; a malformed message is an IllegalArgumentException naming
   * what was wrong.
   */
  public static <T> T fromBytes(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (java.io.IOException | RuntimeException e) {
      String why =
          e instanceof com.fasterxml.jackson.core.JsonProcessingException j
              ? j.getOriginalMessage()
              : String.valueOf(e.getMessage());
      throw new IllegalArgumentException("not a valid " + type.getSimpleName() + ": " + why, e);
    }
  }

  public static <T> T decode(JsonNode json, Class<T> type) {
    try {
      return MAPPER.treeToValue(json, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot read the remote payload as "
              + type.getSimpleName()
              + ": "
              + e.getOriginalMessage(),
          e);
    }
  }
}
