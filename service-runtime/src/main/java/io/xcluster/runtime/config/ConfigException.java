package io.xcluster.runtime.config;

/**
 * Configuration a process cannot start with. The message is the one line the process prints before
 * it exits: it names the setting, the value, and what is wrong with it.
 */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code <setting>='<value>': <problem>}. */
  public static ConfigException invalid(String setting, Object value, String problem) {
    return new ConfigException(setting + "='" + value + "': " + problem);
  }

  /**
   * {@code value}, when it holds more than white space; else {@code <setting>='<value>': must not
   * be empty} (a variable set to "" or a flag given "" is a mistake, not a request for the
   * default).
   */
  public static String requireText(String setting, String value) {
    if (value == null || value.isBlank()) {
      throw invalid(setting, value == null ? "" : value, "must not be empty");
    }
    return value;
  }
}
