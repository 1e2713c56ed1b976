package io.xcluster.region.useast.orders.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DefaultDataConverter;
import io.xcluster.region.useast.orders.api.HostileOrderBodies.Body;
import io.xcluster.region.useast.orders.api.HostileOrderBodies.Kind;
import io.xcluster.region.useast.orders.usecase.NewOrder;
import io.xcluster.region.useast.orders.workflow.Order;
import io.xcluster.runtime.http.Problem;
import java.math.BigInteger;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Generated JSON thrown at the door: every body is either refused with field errors, or accepted as
 * an order that still passes the order's own validation after it travelled to the workflow
 * (Temporal's JSON converter) — nothing the API accepts can fail validation later.
 *
 * <p>Each run draws a new seed and prints it; {@code -DorderBodies.seed=<seed>} replays a run.
 */
class GeneratedOrderBodiesTest {

  private static final String SEED_PROPERTY = "orderBodies.seed";
  private static final int BODIES = 2_000;

  /**
   * The documented fields (docs/openapi.yaml), written out here rather than taken from the reader
   * under test.
   */
  private static final Set<String> DOCUMENTED_ORDER_FIELDS =
      Set.of("customerId", "lines", "amountCents", "currency", "destinationCountry");

  private static final Set<String> DOCUMENTED_LINE_FIELDS = Set.of("sku", "quantity");

  private enum Outcome {
    REFUSED_BY_THE_READER,
    REFUSED_BY_THE_ORDERS_RULES,
    ACCEPTED_AND_VALID_IN_THE_WORKFLOW
  }

  @Test
  void everyBodyIsRefusedWithFieldErrorsOrPassesTheWorkflowsValidation() {
    long seed = seed();
    HostileOrderBodies bodies = new HostileOrderBodies(seed);
    Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    Set<Kind> made = EnumSet.noneOf(Kind.class);
    for (int i = 0; i < BODIES; i++) {
      Body body = bodies.next();
      made.addAll(body.kinds());
      try {
        outcomes.merge(check(body, "ord-" + i), 1, Integer::sum);
      } catch (Exception | AssertionError failed) {
        throw new AssertionError(
            "body "
                + i
                + " of seed "
                + seed
                + " (replay with -D"
                + SEED_PROPERTY
                + "="
                + seed
                + "), holding "
                + body.kinds()
                + ": "
                + new String(body.bytes(), UTF_8)
                + "\n"
                + failed.getMessage(),
            failed);
      }
    }
    System.out.println("GeneratedOrderBodiesTest, seed " + seed + ": " + outcomes);

    String run = " (seed " + seed + ")";
    assertEquals(
        EnumSet.allOf(Kind.class), made, "the kinds of bad input the generator must make" + run);
    for (Outcome outcome : Outcome.values()) {
      // a generator that never gets past the reader, or never past the rules, proves nothing
      assertTrue(
          outcomes.getOrDefault(outcome, 0) >= BODIES / 20,
          outcome + " in fewer than 5% of the bodies: " + outcomes + run);
    }
  }

  private static long seed() {
    String given = System.getProperty(SEED_PROPERTY);
    if (given == null) {
      return ThreadLocalRandom.current().nextLong();
    }
    try {
      return Long.parseLong(given.trim());
    } catch (NumberFormatException notANumber) {
      throw new IllegalArgumentException(
          SEED_PROPERTY + " must be a whole number (a seed this test printed), was " + given,
          notANumber);
    }
  }

  private static Outcome check(Body body, String orderId) throws Exception {
    NewOrder read;
    try {
      read = NewOrderReader.read("application/json", body.bytes());
    } catch (NewOrderReader.Refused refused) {
      if (body.duplicatedField() != null) {
        assertRefusedAsDuplicate(refused.problem, body.duplicatedField());
      } else {
        assertRefusedWithFieldErrors(refused.problem);
      }
      return Outcome.REFUSED_BY_THE_READER;
    }
    assertNull(body.duplicatedField(), "a body repeating a field was read");
    Order order = read.withId(orderId);
    List<Order.FieldProblem> problems = order.fieldProblems();
    if (!problems.isEmpty()) {
      // the API answers these as field errors (PlacingOrder.Invalid) before anything starts
      problems.forEach(problem -> assertFalse(problem.field().isBlank(), problem.toString()));
      return Outcome.REFUSED_BY_THE_ORDERS_RULES;
    }
    assertFaithfulTo(body.json(), order);
    Payload travelled = DefaultDataConverter.STANDARD_INSTANCE.toPayload(order).orElseThrow();
    Order asTheWorkflowSeesIt =
        DefaultDataConverter.STANDARD_INSTANCE.fromPayload(travelled, Order.class, Order.class);
    assertEquals(order, asTheWorkflowSeesIt, "the order changed on its way to the workflow");
    assertEquals(
        List.of(),
        asTheWorkflowSeesIt.problems(),
        "an accepted order fails the workflow's validation");
    return Outcome.ACCEPTED_AND_VALID_IN_THE_WORKFLOW;
  }

  /**
   * An oracle independent of the rules under test: an accepted order came from a body with only the
   * documented fields and says exactly what the body said (whole numbers equal, not rounded; every
   * line kept; text only normalised), and its text is clean by another measure (a strict UTF-8
   * encoder, the ISO control range).
   */
  private static void assertFaithfulTo(JsonNode body, Order order) {
    assertFieldsAmong(DOCUMENTED_ORDER_FIELDS, body, "");
    assertWhole(body.get("amountCents"), order.amountCents(), "amountCents");
    assertClean(body.get("customerId"), order.customerId(), "customerId");
    assertClean(body.get("currency"), order.currency(), "currency");
    assertClean(body.get("destinationCountry"), order.destinationCountry(), "destinationCountry");
    JsonNode lines = body.get("lines");
    assertTrue(lines != null && lines.isArray(), "lines accepted from " + lines);
    assertEquals(
        lines.size(), order.lines().size(), "lines accepted: " + order.lines() + " from " + lines);
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = lines.get(i);
      String path = "lines[" + i + "]";
      assertTrue(line.isObject(), path + " accepted from " + line);
      assertFieldsAmong(DOCUMENTED_LINE_FIELDS, line, path + ".");
      assertWhole(line.get("quantity"), order.lines().get(i).quantity(), path + ".quantity");
      assertClean(line.get("sku"), order.lines().get(i).sku(), path + ".sku");
    }
  }

  private static void assertFieldsAmong(Set<String> documented, JsonNode object, String prefix) {
    List<String> unknown = new ArrayList<>();
    object
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!documented.contains(name)) {
                unknown.add(prefix + name);
              }
            });
    assertEquals(List.of(), unknown, "unknown fields were accepted");
  }

  private static void assertWhole(JsonNode sent, long accepted, String field) {
    assertNotNull(sent, field + " was missing, yet " + accepted + " was accepted");
    assertTrue(
        sent.isIntegralNumber(),
        field
            + ": "
            + sent
            + " was accepted as "
            + accepted
            + " (a fraction, an exponent or not a number)");
    assertEquals(sent.bigIntegerValue(), BigInteger.valueOf(accepted), field);
  }

  private static void assertClean(JsonNode sent, String accepted, String field) {
    assertTrue(
        sent != null && sent.isTextual(),
        field + ": " + sent + " was accepted as text " + accepted);
    assertEquals(Normalizer.normalize(sent.textValue(), Normalizer.Form.NFC), accepted, field);
    try {
      UTF_8
          .newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(accepted));
    } catch (CharacterCodingException notUnicode) {
      fail(
          field
              + ": text that is not well-formed Unicode (a lone surrogate) was accepted: "
              + chars(accepted),
          notUnicode);
    }
    assertTrue(
        accepted.chars().noneMatch(Character::isISOControl),
        field + ": a control character was accepted: " + chars(accepted));
  }

  /** Text as its UTF-16 chars, e.g. [U+0061, U+D800]: printable whatever the text holds. */
  private static List<String> chars(String text) {
    return text.chars().mapToObj(c -> String.format("U+%04X", c)).toList();
  }

  private static void assertRefusedWithFieldErrors(Problem problem) {
    assertEquals(400, problem.status(), problem.toString());
    assertEquals(Problem.TYPE_PREFIX + "invalid-order", problem.type(), problem.toString());
    assertTrue(problem.errors() != null && !problem.errors().isEmpty(), problem.toString());
    problem.errors().forEach(error -> assertFalse(error.field().isBlank(), error.toString()));
  }

  /**
   * A repeated field is refused while the JSON is read, before any field is looked at: the answer
   * names it.
   */
  private static void assertRefusedAsDuplicate(Problem problem, String field) {
    assertEquals(400, problem.status(), problem.toString());
    assertEquals(Problem.TYPE_PREFIX + "malformed-json", problem.type(), problem.toString());
    assertTrue(
        problem.detail().contains("'" + field + "'"),
        "the answer should name " + field + ": " + problem);
  }
}
