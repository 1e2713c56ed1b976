package io.xcluster.bench;

import io.xcluster.runtime.cli.ServiceCommandLine;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * {@code java -jar bench/target/bench.jar [options]}: the benchmark, on a stack local-stack starts.
 */
public final class BenchMain {

  /** The jar's logging: warnings on stderr, progress lines are the benchmark's own. */
  private static final String LOGGING = "bench-logback.xml";

  private BenchMain() {}

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGGING);
    }
    // gRPC logs through java.util.logging; route it to the same place as everything else
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(execute(args));
  }

  /** Runs the benchmark; a refused setting is one line on stderr and exit 2, nothing started. */
  static int execute(String... args) {
    return ServiceCommandLine.forTool("bench", new BenchCommand())
        .setExecutionExceptionHandler(
            (e, command, parsed) -> {
              // a setting refused: its one-line reason, not a stack trace
              if (e instanceof BenchCommand.BadSetting) {
                command.getErr().println("bench: " + e.getMessage());
                return 2;
              }
              throw e;
            })
        .execute(args);
  }
}
