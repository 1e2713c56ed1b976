package io.xcluster.region.useast.orders.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xcluster.region.useast.orders.usecase.PlacingOrder;
import io.xcluster.region.useast.orders.workflow.DeliveryAddress;
import io.xcluster.region.useast.orders.workflow.Order;
import io.xcluster.runtime.http.HttpLimits;
import io.xcluster.runtime.http.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/openapi.yaml and the API agree: every route and every problem type the code can answer is
 * documented.
 */
class OpenApiDocumentTest {

  private static final Path DOCUMENT = Path.of("..", "docs", "openapi.yaml");

  /** This package's sources, found from its name: a forked region needs no edit here. */
  private static final Path API_SOURCE =
      Path.of("src", "main", "java")
          .resolve(OpenApiDocumentTest.class.getPackageName().replace('.', '/'));

  /**
   * The HTTP server's own answers (bad requests, timeouts, busy) reach the order API's clients too.
   */
  private static final Path SERVER_SOURCE =
      Path.of("..", "service-runtime", "src", "main", "java", "io", "xcluster", "runtime", "http");

  @Test
  void everyRouteIsDocumented() throws Exception {
    String document = Files.readString(DOCUMENT);

    for (String path :
        new String[] {
          "/orders:",
          "/orders/{orderId}:",
          "/orders/{orderId}/cancel:",
          "/orders/{orderId}/delivery-address:",
          "/healthz:",
          "/readyz:"
        }) {
      assertTrue(document.contains("\n  " + path), path + " is missing from " + DOCUMENT);
    }
  }

  @Test
  void everyProblemTypeTheCodeAnswersIsListedInTheDocument() throws Exception {
    Set<String> answered = new TreeSet<>();
    Matcher slug =
        Pattern.compile(
                // any layout: a formatter may break the line after "(" or "+"
                "Problem\\.of\\(\\s*\\d{3},\\s*\"([a-z-]+)\"|TYPE_PREFIX\\s*\\+\\s*\"([a-z-]+)\"")
            .matcher(sources(API_SOURCE) + sources(SERVER_SOURCE));
    while (slug.find()) {
      answered.add(slug.group(1) != null ? slug.group(1) : slug.group(2));
    }
    Set<String> documented = new TreeSet<>();
    Matcher listed =
        Pattern.compile(Pattern.quote(Problem.TYPE_PREFIX) + "([a-z-]+)")
            .matcher(Files.readString(DOCUMENT));
    while (listed.find()) {
      documented.add(listed.group(1));
    }

    assertTrue(
        answered.size() >= 10,
        "the scan found too few problem types to mean anything: " + answered);
    answered.removeAll(documented);
    assertEquals(
        Set.of(), answered, "problem types the API answers but docs/openapi.yaml does not list");
  }

  /**
   * The limits the document states are the ones the code enforces: each is written from its
   * constant.
   */
  @Test
  void everyLimitTheDocumentStatesIsTheOneTheCodeEnforces() throws Exception {
    String document = Files.readString(DOCUMENT);
    HttpLimits http = HttpLimits.DEFAULTS;
    List<String> stated =
        List.of(
            "| request line + headers | " + http.maxHeadBytes() / 1024 + " KiB |",
            "| headers complete, from the request's first byte (or a new connection's opening) | "
                + http.headDeadline().toSeconds()
                + " s |",
            "| body complete, from the end of the headers | "
                + http.bodyDeadline().toSeconds()
                + " s |",
            "| body size | " + String.format(Locale.ROOT, "%,d", http.maxBodyBytes()) + " bytes |",
            "| no byte moving on a connection | " + http.idleTimeout().toSeconds() + " s |",
            "| connections at once | " + http.maxConnections() + " |",
            "| requests being answered at once | "
                + OrdersHttpApi.POOL.threads()
                + " threads + "
                + OrdersHttpApi.POOL.queued()
                + " queued, none queued longer than "
                + OrdersHttpApi.POOL.maxWait().toMillis() / 1000.0
                + " s |",
            "| placing an order (`POST /orders`) | "
                + OrdersHttpApi.PLACE_DEADLINE.toSeconds()
                + " s for us-east to start it |",
            "| a read (`GET`/`HEAD` of an order) | "
                + OrdersHttpApi.FIND_DEADLINE.toMillis()
                + " ms to find the order + "
                + OrdersHttpApi.QUERY_DEADLINE.toMillis()
                + " ms for its worker to answer |",
            "| an address change (`POST /orders/{orderId}/delivery-address`) | "
                + OrdersHttpApi.ADDRESS_CHANGE_DEADLINE.toSeconds()
                + " s for eu-west's verdict",
            "maxLength: " + Order.MAX_CUSTOMER_ID_LENGTH,
            "maxLength: " + Order.MAX_SKU_LENGTH,
            "maxItems: " + Order.MAX_LINES,
            "maximum: " + Order.MAX_QUANTITY,
            "maximum: " + Order.MAX_AMOUNT_CENTS,
            "maxLength: " + DeliveryAddress.MAX_FIELD_LENGTH);
    for (String limit : stated) {
      assertTrue(document.contains(limit), "docs/openapi.yaml does not state: " + limit);
    }
  }

  /** Both endpoints that take an Idempotency-Key check it against the same length. */
  @Test
  void everyIdempotencyKeyLengthTheDocumentStatesIsTheOneTheCodeEnforces() throws Exception {
    Matcher stated =
        Pattern.compile("(?:1 to|longer than) (\\d+) characters")
            .matcher(Files.readString(DOCUMENT));
    int found = 0;
    while (stated.find()) {
      found++;
      assertEquals(
          String.valueOf(PlacingOrder.MAX_KEY_LENGTH),
          stated.group(1),
          "stated: " + stated.group());
    }
    assertTrue(found >= 3, "the key's length is stated " + found + " times");
  }

  private static String sources(Path directory) throws Exception {
    StringBuilder all = new StringBuilder();
    try (var files = Files.list(directory)) {
      for (Path file : files.filter(path -> path.toString().endsWith(".java")).sorted().toList()) {
        all.append(Files.readString(file));
      }
    }
    return all.toString();
  }
}
