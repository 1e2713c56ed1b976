package io.xcluster.runtime.cli;

import io.xcluster.runtime.config.ConfigException;
import io.xcluster.runtime.lifecycle.ServiceProcess;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Runs a service's picocli command so that every configuration error ends the process with one line
 * on stderr — the setting (flag, and environment variable where it came from one), the value and
 * what is wrong; a malformed flag adds a second line pointing at {@code --help} — and exit code 2,
 * never a stack trace from deep inside a client.
 */
public final class ServiceCommandLine {

  public static final int EXIT_CONFIG = 2;
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  /**
   * Each option's help names its variable as "(env NAME": picocli has interpolated the default away
   * by now.
   */
  private static final Pattern ENV_IN_HELP = Pattern.compile("\\(env ([A-Z0-9_]+)");

  /** picocli's (and our converters') "Invalid value for option '--x': 'v' is not a ...". */
  private static final Pattern INVALID_VALUE =
      Pattern.compile("Invalid value for option '([^']+)': '(.*)' is (.*)", Pattern.DOTALL);

  private ServiceCommandLine() {}

  /** Runs {@code command}, whose {@link ServiceOptions} default to {@code defaultHttpPort}. */
  public static int execute(String service, int defaultHttpPort, Object command, String... args) {
    System.setProperty(ServiceOptions.DEFAULT_PORT_PROPERTY, String.valueOf(defaultHttpPort));
    PrintWriter err = new PrintWriter(System.err, true);
    CommandLine commandLine = new CommandLine(command);
    commandLine.registerConverter(Duration.class, ServiceCommandLine::duration);
    commandLine.setParameterExceptionHandler(
        (problem, ignored) -> {
          err.println(service + ": " + describe(problem));
          err.println("Run '" + service + " --help' for every setting.");
          return EXIT_CONFIG;
        });
    commandLine.setExecutionExceptionHandler(
        (problem, line, parsed) -> {
          if (problem instanceof ConfigException) {
            err.println(service + ": " + problem.getMessage());
            return EXIT_CONFIG;
          }
          if (problem instanceof ServiceProcess.StopRequestedException
              || problem instanceof InterruptedException) {
            return CommandLine.ExitCode.OK;
          }
          throw problem;
        });
    return commandLine.execute(args);
  }

  /**
   * A command line for a tool that is not a service ({@code local-stack}, {@code bench}) with the
   * services' rules for what a user types wrong: a value it cannot convert or an unknown option is
   * one line naming the option, then one pointing at the (sub)command's {@code --help}, exit 2 —
   * not picocli's whole usage text, which buried the line that mattered under 50 to 150 others.
   * Durations take the services' forms too ({@code 10s} as well as {@code PT10S}).
   */
  public static CommandLine forTool(String tool, Object command) {
    CommandLine commandLine = new CommandLine(command);
    commandLine.registerConverter(Duration.class, ServiceCommandLine::duration);
    commandLine.setParameterExceptionHandler(
        (problem, ignored) -> {
          CommandLine where = problem.getCommandLine();
          where.getErr().println(tool + ": " + describe(problem));
          where
              .getErr()
              .println(
                  "Run '" + where.getCommandSpec().qualifiedName() + " --help' for its options.");
          return EXIT_CONFIG;
        });
    return commandLine;
  }

  /**
   * ISO-8601 ({@code PT10S}) or the short form operators type ({@code 500ms}, {@code 10s}, {@code
   * 5m}, {@code 48h}, {@code 7d}).
   */
  static Duration duration(String value) {
    Matcher shortForm = SHORT_DURATION.matcher(value.trim());
    if (shortForm.matches()) {
      long amount = Long.parseLong(shortForm.group(1));
      return switch (shortForm.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
    try {
      return Duration.parse(value.trim());
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration; use e.g. 500ms, 10s, 5m, 48h, 7d or ISO-8601 PT10S");
    }
  }

  /**
   * A value picocli cannot convert as every other configuration error reads, the setting named by
   * its flag and its variable: {@code --shutdown-grace / XCLUSTER_SHUTDOWN_GRACE='30': not a
   * duration; ...}; any other picocli message as it is, plus the environment variable when the bad
   * value came from one.
   */
  static String describe(CommandLine.ParameterException problem) {
    String message = problem.getMessage();
    ArgSpec spec = problem.getArgSpec();
    if (spec instanceof OptionSpec option) {
      Matcher env = ENV_IN_HELP.matcher(String.join(" ", option.description()));
      String variable = env.find() ? env.group(1) : null;
      Matcher invalid = INVALID_VALUE.matcher(message);
      if (invalid.matches()) {
        return invalid.group(1)
            + (variable == null ? "" : " / " + variable)
            + "='"
            + invalid.group(2)
            + "': "
            + invalid.group(3);
      }
      if (variable != null
          && System.getenv(variable) != null
          && !problem.getCommandLine().getParseResult().hasMatchedOption(option)) {
        return message + " (from environment variable " + variable + ")";
      }
    }
    return message;
  }
}
