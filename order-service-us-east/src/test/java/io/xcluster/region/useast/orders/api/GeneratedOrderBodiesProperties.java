package io.xcluster.region.useast.orders.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DefaultDataConverter;
import io.xcluster.region.useast.orders.usecase.NewOrder;
import io.xcluster.region.useast.orders.workflow.Order;
import io.xcluster.runtime.http.Problem;
import java.math.BigDecimal;
import java.nio.CharBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Generated JSON thrown at the door: every body is either refused with field errors, or accepted
 * as an order that still passes the order's own validation after it travelled to the workflow
 * (Temporal's JSON converter) — nothing the API accepts can fail validation later.
 */
class GeneratedOrderBodiesProperties {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Property(tries = 1_000)
  void everyBodyIsRefusedWithAFieldErrorOrPassesTheWorkflowsValidation(@ForAll("orderBodies") JsonNode body) throws Exception {
    NewOrder read;
    try {
      read = NewOrderReader.read("application/json", JSON.writeValueAsBytes(body));
    } catch (NewOrderReader.Refused refused) {
      assertRefusedWithFieldErrors(refused.problem);
      Statistics.collect("refused: JSON shape");
      return;
    }
    Order order = read.withId("ord-" + Integer.toHexString(body.hashCode()));
    List<Order.FieldProblem> problems = order.fieldProblems();
    if (!problems.isEmpty()) {
      // the API answers these as field errors (PlacingOrder.Invalid) before anything starts
      problems.forEach(problem -> assertFalse(problem.field().isBlank(), problem.toString()));
      Statistics.collect("refused: the order's rules");
      return;
    }
    assertFaithfulTo(body, order);
    Payload travelled = DefaultDataConverter.STANDARD_INSTANCE.toPayload(order).orElseThrow();
    Order asTheWorkflowSeesIt = DefaultDataConverter.STANDARD_INSTANCE.fromPayload(travelled, Order.class, Order.class);
    assertEquals(order, asTheWorkflowSeesIt, "the order changed on its way to the workflow");
    assertEquals(List.of(), asTheWorkflowSeesIt.problems(), "an accepted order fails the workflow's validation");
    Statistics.collect("accepted, and valid in the workflow");
  }

  /**
   * An oracle independent of the rules under test: an accepted order says exactly what the body
   * said (whole numbers equal, not rounded; text only normalised) and its text is clean by
   * another measure (a strict UTF-8 encoder, the ISO control range).
   */
  private static void assertFaithfulTo(JsonNode body, Order order) throws Exception {
    assertEquals(body.get("amountCents").bigIntegerValue(), BigInteger.valueOf(order.amountCents()), "amountCents");
    assertTrue(body.get("amountCents").isIntegralNumber(), "a fraction was accepted: " + body.get("amountCents"));
    assertClean(body.get("customerId"), order.customerId());
    for (int i = 0; i < order.lines().size(); i++) {
      JsonNode line = body.get("lines").get(i);
      assertTrue(line.get("quantity").isIntegralNumber(), "a fractional quantity was accepted: " + line);
      assertEquals(line.get("quantity").bigIntegerValue(), BigInteger.valueOf(order.lines().get(i).quantity()), "lines[" + i + "].quantity");
      assertClean(line.get("sku"), order.lines().get(i).sku());
    }
  }

  private static void assertClean(JsonNode sent, String accepted) throws Exception {
    assertEquals(Normalizer.normalize(sent.textValue(), Normalizer.Form.NFC), accepted);
    StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
        .encode(CharBuffer.wrap(accepted)); // throws on a lone surrogate
    assertTrue(accepted.chars().noneMatch(Character::isISOControl), "a control character was accepted: " + accepted.chars().boxed().toList());
  }

  private static void assertRefusedWithFieldErrors(Problem problem) {
    assertEquals(400, problem.status(), problem.toString());
    assertEquals(Problem.TYPE_PREFIX + "invalid-order", problem.type(), problem.toString());
    assertTrue(problem.errors() != null && !problem.errors().isEmpty(), problem.toString());
    problem.errors().forEach(error -> assertFalse(error.field().isBlank(), error.toString()));
  }

  @Provide
  Arbitrary<JsonNode> orderBodies() {
    Arbitrary<Optional<JsonNode>> customer = field(plainText(), text());
    Arbitrary<Optional<JsonNode>> lines = field(lines(1, 3), Arbitraries.oneOf(lines(0, 0), lines(99, 102), anyScalar()));
    Arbitrary<Optional<JsonNode>> amount = field(Arbitraries.longs().between(1, Order.MAX_AMOUNT_CENTS).map(NODES::numberNode), number());
    Arbitrary<Optional<JsonNode>> currency = field(Arbitraries.of("USD", "EUR", "JPY").map(NODES::textNode), Arbitraries.oneOf(code(3), text()));
    Arbitrary<Optional<JsonNode>> country = field(Arbitraries.of("DE", "FR", "US").map(NODES::textNode), Arbitraries.oneOf(code(2), text()));
    Arbitrary<Optional<JsonNode>> stray = Arbitraries.frequencyOf(
        Tuple.of(20, Arbitraries.just(Optional.<JsonNode>empty())), Tuple.of(1, Arbitraries.just(Optional.<JsonNode>of(NODES.textNode("x")))));
    return Combinators.combine(customer, lines, amount, currency, country, stray).as((c, l, a, cur, dest, extra) -> {
      ObjectNode body = NODES.objectNode();
      c.ifPresent(value -> body.set("customerId", value));
      l.ifPresent(value -> body.set("lines", value));
      a.ifPresent(value -> body.set("amountCents", value));
      cur.ifPresent(value -> body.set("currency", value));
      dest.ifPresent(value -> body.set("destinationCountry", value));
      extra.ifPresent(value -> body.set("colour", value));
      return body;
    });
  }

  /**
   * Mostly a valid value, so that most bodies get as far as the workflow with one or two hostile
   * fields among valid ones; sometimes anything at all, absent or null.
   */
  private static Arbitrary<Optional<JsonNode>> field(Arbitrary<JsonNode> valid, Arbitrary<JsonNode> anything) {
    return Arbitraries.frequencyOf(
        Tuple.of(12, valid.map(Optional::of)),
        Tuple.of(3, anything.map(Optional::of)),
        Tuple.of(1, Arbitraries.just(Optional.<JsonNode>empty())),
        Tuple.of(1, Arbitraries.just(Optional.<JsonNode>of(NODES.nullNode()))));
  }

  private static Arbitrary<JsonNode> lines(int min, int max) {
    Arbitrary<JsonNode> line = Combinators.combine(
        field(plainText(), text()), field(Arbitraries.integers().between(1, Order.MAX_QUANTITY).map(NODES::numberNode), number()))
        .as((sku, quantity) -> {
          ObjectNode node = NODES.objectNode();
          sku.ifPresent(value -> node.set("sku", value));
          quantity.ifPresent(value -> node.set("quantity", value));
          return (JsonNode) node;
        });
    Arbitrary<JsonNode> element = Arbitraries.frequencyOf(Tuple.of(30, line), Tuple.of(1, anyScalar()));
    return element.list().ofMinSize(min).ofMaxSize(max).map(elements -> {
      ArrayNode array = NODES.arrayNode();
      elements.forEach(array::add);
      return array;
    });
  }

  private static Arbitrary<JsonNode> plainText() {
    return Arbitraries.strings().alpha().numeric().withChars("-_.").ofMinLength(1).ofMaxLength(20).map(NODES::textNode);
  }

  /** Text of every kind that hurt before: NUL and other controls, lone surrogates, combining marks, long runs. */
  private static Arbitrary<JsonNode> text() {
    Arbitrary<String> hostile = Arbitraries.strings()
        .withCharRange('\u0000', '\u001f').withChars('\u007f', '\u0085', '\u0301', 'e', '\u00e9', '\u00a0', ' ', '\uffff')
        .withCharRange('a', 'f').ofMinLength(0).ofMaxLength(12);
    // jqwik's string generators leave surrogates out: lone ones are written here
    Arbitrary<String> surrogates = Arbitraries.of("\ud83d\ude00", "c-\ud83d\ude00", "\ud83d", "\ude00x", "a\ud800b", "SKU-\udbff");
    Arbitrary<String> tooLong = Arbitraries.integers().between(60, 140).map("k"::repeat);
    Arbitrary<String> decomposed = Arbitraries.of("cafe\u0301", "Ame\u0301lie", "\u212b");
    return Arbitraries.frequencyOf(Tuple.of(4, hostile), Tuple.of(2, surrogates), Tuple.of(1, tooLong), Tuple.of(1, decomposed))
        .map(NODES::textNode);
  }

  private static Arbitrary<JsonNode> code(int length) {
    return Arbitraries.strings().withCharRange('A', 'Z').withChars('a', '1').ofLength(length).map(NODES::textNode);
  }

  /** Whole numbers around every bound, fractions, exponents, and numbers past long. */
  private static Arbitrary<JsonNode> number() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(-5, 20_000).map(NODES::numberNode),
        Arbitraries.of(0L, 1L, 10_000L, 10_001L, 9_999_999_999L, 10_000_000_000L, 10_000_000_001L, Long.MAX_VALUE, Long.MIN_VALUE)
            .map(NODES::numberNode),
        Arbitraries.bigDecimals().between(new BigDecimal("-10"), new BigDecimal("50000")).ofScale(2).map(NODES::numberNode),
        Arbitraries.of(new BigInteger("99999999999999999999999"), new BigInteger("-99999999999999999999999")).map(NODES::numberNode),
        Arbitraries.of(4200.0, 4.2e3, 1e30, 4200.5).map(NODES::numberNode),
        anyScalar());
  }

  private static Arbitrary<JsonNode> anyScalar() {
    return Arbitraries.of(NODES.textNode("4200"), NODES.booleanNode(true), NODES.objectNode(), NODES.arrayNode(), NODES.textNode(""));
  }
}
