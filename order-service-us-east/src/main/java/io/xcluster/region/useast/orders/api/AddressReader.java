package io.xcluster.region.useast.orders.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xcluster.region.useast.orders.workflow.DeliveryAddress;
import io.xcluster.runtime.http.Problem;
import io.xcluster.runtime.http.Problem.FieldError;
import java.io.IOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads the body of {@code POST /orders/{id}/delivery-address} strictly: one JSON object of the
 * address's five text fields, no others; what the values may be is {@link
 * DeliveryAddress#problems()}'s to say (us-east's workflow checks them again).
 */
final class AddressReader {

  static final List<String> FIELDS =
      List.of("recipient", "street", "postalCode", "city", "country");

  private static final ObjectMapper STRICT_JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private AddressReader() {}

  static DeliveryAddress read(String contentType, byte[] body) throws NewOrderReader.Refused {
    NewOrderReader.requireJson(contentType);
    JsonNode root;
    try {
      root = STRICT_JSON.readTree(body);
    } catch (IOException malformed) {
      throw new NewOrderReader.Refused(
          Problem.of(
              400,
              "malformed-json",
              "The body is not valid JSON",
              "the body is not one valid JSON object"));
    }
    List<FieldError> errors = new ArrayList<>();
    if (root == null || !root.isObject()) {
      errors.add(new FieldError("$", "the body must be one JSON object (see docs/openapi.yaml)"));
      throw new NewOrderReader.Refused(invalidAddress(errors));
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        errors.add(
            new FieldError(name, "unknown field; known fields are " + String.join(", ", FIELDS)));
      }
    }
    List<String> values = new ArrayList<>();
    for (String field : FIELDS) {
      JsonNode value = root.get(field);
      if (value == null || value.isNull()) {
        errors.add(new FieldError(field, "is required"));
        values.add(null);
      } else if (!value.isTextual()) {
        errors.add(new FieldError(field, "must be a string"));
        values.add(null);
      } else {
        values.add(Normalizer.normalize(value.asText(), Normalizer.Form.NFC));
      }
    }
    DeliveryAddress address =
        new DeliveryAddress(
            values.get(0), values.get(1), values.get(2), values.get(3), values.get(4));
    if (errors.isEmpty()) {
      address.problems().forEach(problem -> errors.add(new FieldError(fieldOf(problem), problem)));
    }
    if (!errors.isEmpty()) {
      throw new NewOrderReader.Refused(invalidAddress(errors));
    }
    return address;
  }

  static Problem invalidAddress(List<FieldError> errors) {
    return Problem.invalidFields("invalid-address", "The delivery address is invalid", errors);
  }

  /** The field a problem line of {@link DeliveryAddress#problems()} is about (its first word). */
  private static String fieldOf(String problem) {
    int space = problem.indexOf(' ');
    return space < 0 ? "$" : problem.substring(0, space);
  }
}
