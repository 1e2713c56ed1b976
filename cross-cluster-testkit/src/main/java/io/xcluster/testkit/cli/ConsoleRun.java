package io.xcluster.testkit.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/**
 * One run of a command-line tool in this JVM, as a user would see it: exit code, stdout, stderr.
 *
 * @param exit what the tool's {@code execute(args)} returned
 * @param out what it printed to stdout
 * @param err what it printed to stderr
 */
public record ConsoleRun(int exit, String out, String err) {

  /**
   * Runs {@code tool} (e.g. {@code () -> SomeMain.execute(args)}) with stdout and stderr captured.
   */
  public static synchronized ConsoleRun of(IntSupplier tool) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
      exit = tool.getAsInt();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new ConsoleRun(
        exit, printed.toString(StandardCharsets.UTF_8), errors.toString(StandardCharsets.UTF_8));
  }
}
