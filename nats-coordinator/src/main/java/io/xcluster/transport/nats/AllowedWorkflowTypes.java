package io.xcluster.transport.nats;

import io.xcluster.runtime.config.ConfigException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The workflow types a relay may start, as {@code --allow-workflow-type} gives them: names, or
 * {@link #ANY} alone for every type. A target side must be given one: whoever can publish on the
 * calls subject could otherwise start any workflow type on the target cluster.
 *
 * @param types the names; empty only for {@link #ANY}
 */
record AllowedWorkflowTypes(Set<String> types) {

  /** The flag and its variable, as the errors name them. */
  static final String SETTING = "--allow-workflow-type / XCLUSTER_ALLOWED_WORKFLOW_TYPES";

  /** The explicit wildcard: any workflow type (demos and tests, not production). */
  static final String ANY = "*";

  private static final String WHAT_TO_SET =
      "the workflow types the relay may start, comma-separated (e.g. FulfillmentWorkflow), or "
          + ANY
          + " for any type (not for production)";

  AllowedWorkflowTypes {
    types = Set.copyOf(types);
  }

  /**
   * The value of the flag (repeated flags joined by commas), or one line naming the setting: an
   * empty value or element is a mistake (an unset template, a trailing comma), never "any".
   */
  static AllowedWorkflowTypes parse(List<String> given) {
    String value = String.join(",", given);
    if (value.isBlank()) {
      throw ConfigException.invalid(SETTING, value, "must not be empty; give " + WHAT_TO_SET);
    }
    Set<String> names = new LinkedHashSet<>();
    for (String element : value.split(",", -1)) {
      String name = element.strip();
      if (name.isEmpty()) {
        throw ConfigException.invalid(
            SETTING, value, "an empty workflow type between commas; give " + WHAT_TO_SET);
      }
      names.add(name);
    }
    if (names.equals(Set.of(ANY))) {
      return new AllowedWorkflowTypes(Set.of());
    }
    // a pattern would match nothing (types are compared by name) and a "*" beside names is
    // ambiguous: both are refused rather than read one way or the other
    for (String name : names) {
      if (name.contains(ANY)) {
        throw ConfigException.invalid(
            SETTING,
            value,
            "'"
                + name
                + "': "
                + ANY
                + " stands alone for any type and is no pattern; name each type in full");
      }
    }
    return new AllowedWorkflowTypes(names);
  }

  /** The one line a target side given no allow-list stops with. */
  static ConfigException missing(NatsCoordinator.Side side) {
    return new ConfigException(
        SETTING
            + " is required for --side "
            + side.name().toLowerCase()
            + " (the relay): set it to "
            + WHAT_TO_SET);
  }

  boolean anyType() {
    return types.isEmpty();
  }

  /** {@code settings} restricted to these types ({@link NatsSettings}' empty set allows any). */
  NatsSettings applyTo(NatsSettings settings) {
    return settings.allowing(types);
  }
}
