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
}
