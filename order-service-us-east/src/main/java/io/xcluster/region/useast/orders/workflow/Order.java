package io.xcluster.region.useast.orders.workflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An order as placed in us-east: {@code OrderWorkflow}'s input (JSON shape in docs/contracts.md).
 * Its rules live here, once: the order API refuses what {@link #fieldProblems()} names before
 * anything starts, and the workflow checks the same list, so an order the API accepts never fails
 * validation later.
 *
 * <p>Not validated in the constructor on purpose: a workflow argument that cannot be decoded fails
 * the workflow task over and over; {@link #problems()} lets the workflow reject it once, with a
 * reason.
 */
public record Order(
    String orderId,
    String customerId,
    List<OrderLine> lines,
    long amountCents,
    String currency,
    String destinationCountry) {

  public static final int MAX_ORDER_ID_LENGTH = 200;
  public static final int MAX_CUSTOMER_ID_LENGTH = 128;
  public static final int MAX_SKU_LENGTH = 64;
  public static final int MAX_LINES = 100;
  public static final int MAX_QUANTITY = 10_000;

  /**
   * One hundred million in the currency's main unit: far above any real basket, far below overflow.
   */
  public static final long MAX_AMOUNT_CENTS = 10_000_000_000L;

  private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9._:-]+");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");

  /**
   * One thing wrong with one field: a JSON path such as {@code lines[0].quantity}, and what is
   * wrong.
   */
  public record FieldProblem(String field, String problem) {

    @Override
    public String toString() {
      return field + " " + problem;
    }
  }

  public Order {
    // nulls inside the list are kept, so that validation can name them
    lines = lines == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(lines));
  }

  /** Everything wrong with this order, each naming the field; empty when it can be processed. */
  public List<FieldProblem> fieldProblems() {
    List<FieldProblem> problems = new ArrayList<>();
    String idProblem = WellFormedText.problem(orderId, MAX_ORDER_ID_LENGTH);
    if (idProblem == null && !ORDER_ID.matcher(orderId).matches()) {
      idProblem = "may contain only letters, digits and . _ : -";
    }
    add(problems, "orderId", idProblem);
    add(problems, "customerId", WellFormedText.problem(customerId, MAX_CUSTOMER_ID_LENGTH));
    if (lines.isEmpty()) {
      add(problems, "lines", "must hold at least one line");
    } else if (lines.size() > MAX_LINES) {
      add(problems, "lines", "may have at most " + MAX_LINES + " lines, had " + lines.size());
    } else {
      for (int i = 0; i < lines.size(); i++) {
        OrderLine line = lines.get(i);
        if (line == null) {
          add(problems, "lines[" + i + "]", "must be an object with sku and quantity");
          continue;
        }
        add(problems, "lines[" + i + "].sku", WellFormedText.problem(line.sku(), MAX_SKU_LENGTH));
        add(problems, "lines[" + i + "].quantity", rangeProblem(line.quantity(), MAX_QUANTITY));
      }
    }
    add(problems, "amountCents", rangeProblem(amountCents, MAX_AMOUNT_CENTS));
    add(problems, "currency", codeProblem(currency, CURRENCY, "an ISO 4217 code such as USD"));
    add(
        problems,
        "destinationCountry",
        codeProblem(destinationCountry, COUNTRY, "an ISO 3166 country code such as DE"));
    return problems;
  }

  /**
   * {@link #fieldProblems()} as lines such as {@code "customerId is missing"}, for the workflow's
   * failure message.
   */
  public List<String> problems() {
    return fieldProblems().stream().map(FieldProblem::toString).toList();
  }

  /**
   * The rules before the API checked text, bounds and the destination at the door. Executions
   * started before then replay with these ({@code OrderWorkflowImpl.ORDER_RULES_AT_THE_DOOR}): an
   * order they accepted, say to destination {@code "de"}, must not fail when its history replays.
   */
  public List<String> problemsBeforeDoorRules() {
    List<String> problems = new ArrayList<>();
    if (orderId == null || orderId.isBlank()) {
      problems.add("orderId is missing");
    }
    if (customerId == null || customerId.isBlank()) {
      problems.add("customerId is missing");
    }
    if (lines.isEmpty()) {
      problems.add("lines: the order has no items");
    }
    for (int i = 0; i < lines.size(); i++) {
      OrderLine line = lines.get(i);
      if (line == null || line.sku() == null || line.sku().isBlank()) {
        problems.add("lines[" + i + "].sku is missing");
      } else if (line.quantity() <= 0) {
        problems.add("lines[" + i + "].quantity must be positive, was " + line.quantity());
      }
    }
    if (amountCents <= 0) {
      problems.add("amountCents must be positive, was " + amountCents);
    }
    if (currency == null || !CURRENCY.matcher(currency).matches()) {
      problems.add("currency must be an ISO 4217 code such as USD, was " + currency);
    }
    return problems;
  }

  private static void add(List<FieldProblem> problems, String field, String problem) {
    if (problem != null) {
      problems.add(new FieldProblem(field, problem));
    }
  }

  private static String codeProblem(String code, Pattern pattern, String expected) {
    if (code == null) {
      return "is missing";
    }
    return pattern.matcher(code).matches() ? null : "must be " + expected + ", was " + code;
  }

  private static String rangeProblem(long value, long max) {
    if (value <= 0) {
      return "must be positive, was " + value;
    }
    return value > max ? "must be at most " + max + ", was " + value : null;
  }
}
