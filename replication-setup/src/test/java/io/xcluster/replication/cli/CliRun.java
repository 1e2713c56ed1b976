package io.xcluster.replication.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One run of the {@code replication-setup} CLI in this JVM, as a user would see it: exit code,
 * stdout, stderr.
 */
record CliRun(int exit, String out, String err) {

  static CliRun of(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
      exit = ReplicationSetupMain.execute(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new CliRun(
        exit, printed.toString(StandardCharsets.UTF_8), errors.toString(StandardCharsets.UTF_8));
  }
}
