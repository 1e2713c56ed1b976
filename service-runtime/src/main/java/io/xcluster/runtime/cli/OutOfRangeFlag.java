package io.xcluster.runtime.cli;

import io.xcluster.runtime.config.ConfigException;
import java.util.Locale;
import java.util.function.Function;

/**
 * A value record's range check ({@code "max-open-calls must be 0 (no cap) or more, was -1"}) as the
 * one line start-up stops with: {@code --max-open-calls / XCLUSTER_MAX_OPEN_CALLS='-1': must be 0
 * (no cap) or more}. Serves the options whose variable is the flag's name under {@code XCLUSTER_}.
 */
final class OutOfRangeFlag {

  private OutOfRangeFlag() {}

  /**
   * @param invalid the record's refusal, its message starting with the flag's name without dashes
   * @param valueOf the value given for that flag name
   */
  static ConfigException refused(
      IllegalArgumentException invalid, Function<String, Object> valueOf) {
    String message = invalid.getMessage();
    String flag = message.substring(0, message.indexOf(' '));
    int was = message.lastIndexOf(", was ");
    String problem = message.substring(flag.length() + 1, was < 0 ? message.length() : was);
    return ConfigException.invalid(
        "--" + flag + " / XCLUSTER_" + flag.toUpperCase(Locale.ROOT).replace('-', '_'),
        valueOf.apply(flag),
        problem);
  }
}
