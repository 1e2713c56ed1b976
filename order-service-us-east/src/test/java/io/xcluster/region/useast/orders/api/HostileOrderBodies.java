package io.xcluster.region.useast.orders.api;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xcluster.region.useast.orders.workflow.Order;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Bodies for {@code POST /orders} from one seeded {@link Random}: each field is mostly valid, so
 * that most bodies get as far as the workflow with one or two hostile fields among valid ones, and
 * sometimes anything at all, absent or null. Each body says which {@link Kind}s of bad input it
 * holds, so a test can check that a run made every kind.
 */
final class HostileOrderBodies {

  /** The kinds of input that hurt before, or sit exactly at a rule's edge. */
  enum Kind {
    FRACTION,
    EXPONENT,
    PAST_LONG,
    NUMBER_AT_A_BOUND,
    NUL,
    CONTROL_CHARACTER,
    LONE_SURROGATE,
    NOT_NFC,
    TEXT_AT_THE_LENGTH_LIMIT,
    OVER_LONG_TEXT,
    MISSING_FIELD,
    NULL_FIELD,
    DUPLICATE_FIELD,
    UNKNOWN_FIELD,
    WRONG_TYPE,
    NO_LINES,
    TOO_MANY_LINES
  }

  /**
   * One body: the JSON as meant, the bytes sent (which may repeat {@code duplicatedField}, a thing
   * a JSON tree cannot hold) and the kinds of bad input in it.
   */
  record Body(ObjectNode json, byte[] bytes, String duplicatedField, Set<Kind> kinds) {}

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PLAIN =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";

  /**
   * Controls (NUL first), a non-character, combining and look-alike marks: what broke text before.
   */
  private static final String HOSTILE =
      "\u0000\u0001\u0002\u0008\t\n\r\u001b\u001f\u007f\u0085\u0301e\u00e9\u00a0 \uffffabcdef";

  private static final List<String> SURROGATES =
      List.of("\ud83d\ude00", "c-\ud83d\ude00", "\ud83d", "\ude00x", "a\ud800b", "SKU-\udbff");
  private static final List<String> DECOMPOSED =
      List.of("cafe\u0301", "Ame\u0301lie", "\u212b", "A\u030a");
  private static final String OUTSIDE_THE_BMP = "\ud83d\ude00"; // one character, two chars

  private final Random random;
  private Set<Kind> kinds;

  HostileOrderBodies(long seed) {
    this.random = new Random(seed);
  }

  Body next() {
    kinds = EnumSet.noneOf(Kind.class);
    ObjectNode body = NODES.objectNode();
    put(body, "customerId", field(this::plainText, this::text));
    put(
        body,
        "lines",
        field(
            () -> lines(1, 3),
            () ->
                oneOf(
                    () -> lines(0, 0),
                    () -> lines(Order.MAX_LINES - 1, Order.MAX_LINES + 2),
                    this::wrongType)));
    put(body, "amountCents", field(() -> wholeUpTo(Order.MAX_AMOUNT_CENTS), this::number));
    put(
        body,
        "currency",
        field(
            () -> NODES.textNode(pick("USD", "EUR", "JPY")),
            () -> oneOf(() -> code(3), this::text)));
    put(
        body,
        "destinationCountry",
        field(
            () -> NODES.textNode(pick("DE", "FR", "US")), () -> oneOf(() -> code(2), this::text)));
    if (random.nextInt(21) == 0) {
      body.put("colour", "x");
      kinds.add(Kind.UNKNOWN_FIELD);
    }
    String duplicated = null;
    ObjectNode holder = null;
    if (random.nextInt(20) == 0) {
      holder = pickObjectWithFields(body);
      if (holder != null) {
        duplicated = pick(fieldNames(holder).toArray(String[]::new));
        kinds.add(Kind.DUPLICATE_FIELD);
      }
    }
    return new Body(
        body, bytes(body, holder, duplicated), duplicated, Collections.unmodifiableSet(kinds));
  }

  /**
   * Mostly {@code valid} (five times in six, so that a body holds one or two hostile fields on
   * average and about one in five is accepted); sometimes {@code anything}, absent (null) or JSON
   * null.
   */
  private JsonNode field(Supplier<JsonNode> valid, Supplier<JsonNode> anything) {
    int roll = random.nextInt(36);
    if (roll < 30) {
      return valid.get();
    }
    if (roll < 34) {
      return anything.get();
    }
    if (roll == 34) {
      kinds.add(Kind.MISSING_FIELD);
      return null;
    }
    kinds.add(Kind.NULL_FIELD);
    return NODES.nullNode();
  }

  private static void put(ObjectNode object, String name, JsonNode value) {
    if (value != null) {
      object.set(name, value);
    }
  }

  private JsonNode lines(int min, int max) {
    ArrayNode array = NODES.arrayNode();
    int size = min + random.nextInt(max - min + 1);
    for (int i = 0; i < size; i++) {
      array.add(random.nextInt(31) == 0 ? wrongType() : line());
    }
    if (size == 0) {
      kinds.add(Kind.NO_LINES);
    } else if (size > Order.MAX_LINES) {
      kinds.add(Kind.TOO_MANY_LINES);
    }
    return array;
  }

  private JsonNode line() {
    ObjectNode line = NODES.objectNode();
    put(line, "sku", field(this::plainText, this::text));
    put(line, "quantity", field(() -> wholeUpTo(Order.MAX_QUANTITY), this::number));
    return line;
  }

  private JsonNode plainText() {
    StringBuilder text = new StringBuilder();
    for (int length = 1 + random.nextInt(20); text.length() < length; ) {
      text.append(PLAIN.charAt(random.nextInt(PLAIN.length())));
    }
    return NODES.textNode(text.toString());
  }

  /**
   * Text of every kind that hurt before: NUL and other controls, lone surrogates, combining marks,
   * long runs.
   */
  private JsonNode text() {
    int roll = random.nextInt(8);
    String text;
    if (roll < 4) {
      StringBuilder hostile = new StringBuilder();
      for (int length = random.nextInt(13); hostile.length() < length; ) {
        hostile.append(HOSTILE.charAt(random.nextInt(HOSTILE.length())));
      }
      text = hostile.toString();
    } else if (roll < 6) {
      text = pick(SURROGATES.toArray(String[]::new));
    } else if (roll == 6) {
      text = longText();
    } else {
      text = pick(DECOMPOSED.toArray(String[]::new));
    }
    noteKindsOf(text);
    return NODES.textNode(text);
  }

  /**
   * Runs at and around both length limits (64 for a SKU, 128 for a customer), counted in
   * characters, not chars.
   */
  private String longText() {
    int length =
        random.nextBoolean()
            ? pickLength(
                Order.MAX_SKU_LENGTH - 1,
                Order.MAX_SKU_LENGTH,
                Order.MAX_SKU_LENGTH + 1,
                Order.MAX_CUSTOMER_ID_LENGTH - 1,
                Order.MAX_CUSTOMER_ID_LENGTH,
                Order.MAX_CUSTOMER_ID_LENGTH + 1)
            : 60 + random.nextInt(81);
    if (length == Order.MAX_SKU_LENGTH || length == Order.MAX_CUSTOMER_ID_LENGTH) {
      kinds.add(Kind.TEXT_AT_THE_LENGTH_LIMIT);
    }
    if (length > Order.MAX_SKU_LENGTH) {
      kinds.add(Kind.OVER_LONG_TEXT);
    }
    return (random.nextInt(4) == 0 ? OUTSIDE_THE_BMP : "k").repeat(length);
  }

  /**
   * Tags text by what it holds rather than by how it was made, so a kind is never claimed but
   * absent.
   */
  private void noteKindsOf(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\u0000') {
        kinds.add(Kind.NUL);
      } else if (Character.isISOControl(c)) {
        kinds.add(Kind.CONTROL_CHARACTER);
      }
      boolean paired =
          Character.isHighSurrogate(c)
              ? i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))
              : Character.isLowSurrogate(c)
                  && i > 0
                  && Character.isHighSurrogate(text.charAt(i - 1));
      if (Character.isSurrogate(c) && !paired) {
        kinds.add(Kind.LONE_SURROGATE);
      }
    }
    if (!Normalizer.isNormalized(text, Normalizer.Form.NFC)) {
      kinds.add(Kind.NOT_NFC);
    }
  }

  private JsonNode code(int length) {
    StringBuilder code = new StringBuilder();
    while (code.length() < length) {
      int roll = random.nextInt(28);
      code.append(roll < 26 ? (char) ('A' + roll) : roll == 26 ? 'a' : '1');
    }
    return NODES.textNode(code.toString());
  }

  private JsonNode wholeUpTo(long max) {
    if (random.nextInt(10) == 0) {
      kinds.add(Kind.NUMBER_AT_A_BOUND);
      return NODES.numberNode(random.nextBoolean() ? 1L : max);
    }
    return NODES.numberNode(random.nextLong(1, max + 1));
  }

  /**
   * Whole numbers around every bound, fractions, exponents, numbers past long, and values that are
   * not numbers.
   */
  private JsonNode number() {
    switch (random.nextInt(6)) {
      case 0:
        return NODES.numberNode(random.nextLong(-5, 20_001));
      case 1:
        kinds.add(Kind.NUMBER_AT_A_BOUND);
        return NODES.numberNode(
            pick(
                0L,
                1L,
                -1L,
                (long) Order.MAX_QUANTITY,
                Order.MAX_QUANTITY + 1L,
                Order.MAX_AMOUNT_CENTS - 1,
                Order.MAX_AMOUNT_CENTS,
                Order.MAX_AMOUNT_CENTS + 1,
                Long.MAX_VALUE,
                Long.MIN_VALUE));
      case 2:
        kinds.add(Kind.FRACTION);
        // two decimals, whole-valued ones such as 4200.00 included: a decimal point is refused,
        // never rounded
        // (DecimalNode itself: the node factory strips zeros and would send 4200.00 as 4.2E+3)
        return random.nextInt(5) == 0
            ? NODES.numberNode(pick(4200.0, 4200.5, -0.0))
            : DecimalNode.valueOf(BigDecimal.valueOf(random.nextLong(-1_000, 5_000_001), 2));
      case 3:
        kinds.add(Kind.PAST_LONG);
        BigInteger past = BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE);
        return NODES.numberNode(
            pick(
                past,
                past.negate().subtract(BigInteger.ONE),
                new BigInteger("99999999999999999999999"),
                new BigInteger("-99999999999999999999999")));
      case 4:
        kinds.add(Kind.EXPONENT);
        // written as 4.2E+3, 1E+3, 1.0E30, 4.2E-7: whole-valued or not, an exponent is not a whole
        // number here
        return pick(
            DecimalNode.valueOf(new BigDecimal("42E2")),
            DecimalNode.valueOf(new BigDecimal("1E3")),
            NODES.numberNode(1e30),
            DecimalNode.valueOf(new BigDecimal("4.2E-7")));
      default:
        return wrongType();
    }
  }

  private JsonNode wrongType() {
    kinds.add(Kind.WRONG_TYPE);
    return pick(
        NODES.textNode("4200"),
        NODES.booleanNode(true),
        NODES.objectNode(),
        NODES.arrayNode(),
        NODES.textNode(""));
  }

  @SafeVarargs
  private JsonNode oneOf(Supplier<JsonNode>... choices) {
    return choices[random.nextInt(choices.length)].get();
  }

  @SafeVarargs
  private <T> T pick(T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  private int pickLength(int... choices) {
    return choices[random.nextInt(choices.length)];
  }

  /**
   * The body itself or one of its line objects, among those with at least one field; null when none
   * has.
   */
  private ObjectNode pickObjectWithFields(ObjectNode body) {
    List<ObjectNode> candidates = new ArrayList<>();
    if (!body.isEmpty()) {
      candidates.add(body);
    }
    JsonNode lines = body.get("lines");
    if (lines != null && lines.isArray()) {
      lines.forEach(
          line -> {
            if (line.isObject() && !line.isEmpty()) {
              candidates.add((ObjectNode) line);
            }
          });
    }
    return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
  }

  private static List<String> fieldNames(ObjectNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /**
   * The body as UTF-8 JSON, with {@code field} of {@code holder} written twice (same value) when
   * one is given.
   */
  private static byte[] bytes(ObjectNode body, ObjectNode holder, String field) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator out = JSON.getFactory().createGenerator(bytes, JsonEncoding.UTF8)) {
      write(out, body, holder, field);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void write(JsonGenerator out, JsonNode node, ObjectNode holder, String field)
      throws IOException {
    if (node.isObject()) {
      out.writeStartObject();
      for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = fields.next();
        int times = node == holder && entry.getKey().equals(field) ? 2 : 1;
        for (int i = 0; i < times; i++) {
          out.writeFieldName(entry.getKey());
          write(out, entry.getValue(), holder, field);
        }
      }
      out.writeEndObject();
    } else if (node.isArray()) {
      out.writeStartArray();
      for (JsonNode element : node) {
        write(out, element, holder, field);
      }
      out.writeEndArray();
    } else {
      JSON.writeTree(out, node);
    }
  }
}
