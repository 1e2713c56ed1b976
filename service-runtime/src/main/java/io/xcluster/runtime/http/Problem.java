package io.xcluster.runtime.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Every error a service answers over HTTP, its own or the server's: {@code
 * application/problem+json} (RFC 9457), with the fields that were wrong in {@code errors} so a
 * client can show each next to its input.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type, String title, int status, String detail, List<FieldError> errors) {

  public static final String CONTENT_TYPE = "application/problem+json";

  /** Problem types are names (listed in docs/openapi.yaml), not pages to fetch. */
  public static final String TYPE_PREFIX = "urn:xcluster:problem:";

  /**
   * One invalid field: a JSON path such as {@code lines[0].quantity}, and what is wrong with it.
   */
  public record FieldError(String field, String problem) {}

  public static Problem of(int status, String slug, String title, String detail) {
    return new Problem(TYPE_PREFIX + slug, title, status, detail, null);
  }

  /** A request the service understood but refuses, naming each field that is wrong. */
  public static Problem invalidFields(String slug, String title, List<FieldError> errors) {
    String detail =
        errors.size() == 1
            ? errors.get(0).field() + ": " + errors.get(0).problem()
            : errors.size() + " fields are invalid";
    return new Problem(TYPE_PREFIX + slug, title, 400, detail, List.copyOf(errors));
  }
}
