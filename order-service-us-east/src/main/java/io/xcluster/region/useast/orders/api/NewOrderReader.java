package io.xcluster.region.useast.orders.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xcluster.region.useast.orders.usecase.NewOrder;
import io.xcluster.region.useast.orders.workflow.Order;
import io.xcluster.region.useast.orders.workflow.OrderLine;
import io.xcluster.runtime.http.Problem;
import io.xcluster.runtime.http.Problem.FieldError;
import java.io.IOException;
import java.math.BigInteger;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the body of {@code POST /orders} strictly: one JSON object, no unknown or duplicate fields,
 * each field of its JSON type — whole numbers only where the order counts (cents, quantities), so
 * {@code 4200.5} is refused, never rounded. Text is brought to Unicode normal form C. What the
 * order itself allows (lengths, ranges, characters) is {@link Order#fieldProblems()}'s to say.
 */
final class NewOrderReader {

  static final Set<String> ORDER_FIELDS =
      Set.of("customerId", "lines", "amountCents", "currency", "destinationCountry");
  static final Set<String> LINE_FIELDS = Set.of("sku", "quantity");
  private static final ObjectMapper STRICT_JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** A body that cannot become an order, with the problem to answer. */
  static final class Refused extends Exception {
    final transient Problem problem;

    Refused(Problem problem) {
      super(problem.detail());
      this.problem = problem;
    }
  }

  private final List<FieldError> errors = new ArrayList<>();

  private NewOrderReader() {}

  static NewOrder read(String contentType, byte[] body) throws Refused {
    requireJson(contentType);
    JsonNode root;
    try {
      root = STRICT_JSON.readTree(body);
    } catch (JsonProcessingException malformed) {
      throw new Refused(malformedJson(malformed));
    } catch (IOException unreadable) {
      throw new Refused(
          Problem.of(
              400, "malformed-json", "The body is not valid JSON", "the body could not be read"));
    }
    if (root == null || !root.isObject()) {
      throw new Refused(
          OrdersHttpApi.invalidOrder(
              List.of(
                  new FieldError(
                      "$", "the body must be one JSON object (see docs/openapi.yaml)"))));
    }
    return new NewOrderReader().order(root);
  }

  /**
   * Refuses (415) a body that says it is not JSON; no Content-Type at all is taken as JSON. The
   * media type before any parameter ({@code ; charset=utf-8}) must be {@code application/json}, in
   * any case: {@code application/jsonp} or {@code application/json-seq} are other formats.
   */
  static void requireJson(String contentType) throws Refused {
    if (contentType != null
        && !contentType.split(";", 2)[0].strip().equalsIgnoreCase("application/json")) {
      throw new Refused(
          Problem.of(
              415,
              "unsupported-media-type",
              "Unsupported media type",
              "Content-Type must be application/json, was " + contentType));
    }
  }

  private NewOrder order(JsonNode root) throws Refused {
    unknownFields(root, "", ORDER_FIELDS);
    NewOrder order =
        new NewOrder(
            text(root, "customerId", "customerId"),
            lines(root.get("lines")),
            whole(root, "amountCents", "amountCents", "a whole number of cents"),
            text(root, "currency", "currency"),
            text(root, "destinationCountry", "destinationCountry"));
    if (!errors.isEmpty()) {
      throw new Refused(OrdersHttpApi.invalidOrder(errors));
    }
    return order;
  }

  private List<OrderLine> lines(JsonNode lines) {
    if (lines == null || lines.isNull()) {
      return List.of(); // the order says what an order without lines is
    }
    if (!lines.isArray()) {
      errors.add(new FieldError("lines", "must be an array"));
      return List.of();
    }
    if (lines.size() > Order.MAX_LINES) {
      errors.add(
          new FieldError(
              "lines", "may have at most " + Order.MAX_LINES + " lines, had " + lines.size()));
      return List.of();
    }
    List<OrderLine> read = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = lines.get(i);
      String path = "lines[" + i + "]";
      if (!line.isObject()) {
        errors.add(new FieldError(path, "must be an object with sku and quantity"));
        continue;
      }
      unknownFields(line, path + ".", LINE_FIELDS);
      long quantity = whole(line, "quantity", path + ".quantity", "a whole number");
      read.add(
          new OrderLine(
              text(line, "sku", path + ".sku"),
              (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, quantity))));
    }
    return read;
  }

  private void unknownFields(JsonNode object, String prefix, Set<String> known) {
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        errors.add(
            new FieldError(
                prefix + name,
                "unknown field; known fields are "
                    + String.join(", ", known.stream().sorted().toList())));
      }
    }
  }

  /**
   * The text of {@code name} in normal form C; null when absent (the order names it missing).
   *
   * @param path the field's JSON path, as a wrong type is reported (e.g. {@code lines[1].sku})
   */
  private String text(JsonNode object, String name, String path) {
    JsonNode value = object.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      errors.add(new FieldError(path, "must be a string"));
      return null;
    }
    String text = value.textValue();
    return Normalizer.isNormalized(text, Normalizer.Form.NFC)
        ? text
        : Normalizer.normalize(text, Normalizer.Form.NFC);
  }

  /**
   * A whole number; absent counts as 0, which the order refuses as not positive. Out-of-range
   * values are clamped to one it refuses too.
   */
  private long whole(JsonNode object, String name, String path, String expected) {
    JsonNode value = object.get(name);
    if (value == null || value.isNull()) {
      errors.add(new FieldError(path, "is missing"));
      return 0;
    }
    if (!value.isIntegralNumber()) {
      errors.add(
          new FieldError(
              path, "must be " + expected + (value.isNumber() ? ", was " + value.asText() : "")));
      return 0;
    }
    if (!value.canConvertToLong()) {
      BigInteger big = value.bigIntegerValue();
      errors.add(
          new FieldError(
              path,
              big.signum() > 0 ? "is far too large, was " + big : "must be positive, was " + big));
      return 0;
    }
    return value.longValue();
  }

  private static Problem malformedJson(JsonProcessingException invalid) {
    String where =
        invalid.getLocation() == null
            ? ""
            : " at line "
                + invalid.getLocation().getLineNr()
                + ", column "
                + invalid.getLocation().getColumnNr();
    String reason = invalid.getOriginalMessage();
    int technical = reason.indexOf(" (");
    if (!(invalid instanceof JsonParseException) && reason.startsWith("Duplicate field")) {
      technical = -1;
    }
    return Problem.of(
        400,
        "malformed-json",
        "The body is not valid JSON",
        "malformed JSON"
            + where
            + ": "
            + (technical > 0 ? reason.substring(0, technical) : reason));
  }
}
