package io.xcluster.region.useast.orders.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An error response, {@code application/problem+json} (RFC 9457), with the fields that were wrong
 * in {@code errors} so a client can show each next to its input.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

  public static final String CONTENT_TYPE = "application/problem+json";
  /** Problem types are names (listed in docs/openapi.yaml), not pages to fetch. */
  public static final String TYPE_PREFIX = "urn:xcluster:problem:";

  /** One invalid field: a JSON path such as {@code lines[0].quantity}, and what is wrong with it. */
  public record FieldError(String field, String problem) {}

  static Problem of(int status, String slug, String title, String detail) {
    return new Problem(TYPE_PREFIX + slug, title, status, detail, null);
  }

  static Problem invalidOrder(List<FieldError> errors) {
    String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).problem() : errors.size() + " fields are invalid";
    return new Problem(TYPE_PREFIX + "invalid-order", "The order is invalid", 400, detail, errors);
  }
}
