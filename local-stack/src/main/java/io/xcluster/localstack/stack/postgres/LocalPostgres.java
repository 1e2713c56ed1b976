package io.xcluster.localstack.stack.postgres;

import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.testkit.process.SupervisedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One PostgreSQL instance for the production-like stack: a data directory of its own (created with
 * {@code initdb} at start), TCP on a free loopback port only (no Unix socket), a superuser {@code
 * temporal} trusted on loopback, {@code fsync} on as in production. Both clusters keep their
 * databases here, each under its own names.
 */
public final class LocalPostgres implements AutoCloseable {

  /** The role the Temporal servers and the schema tool connect as. */
  public static final String ROLE = "temporal";

  /** Two full servers × four services × two stores, each with a bounded pool: well below this. */
  private static final int MAX_CONNECTIONS = 400;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final int port;
  private final SupervisedProcess process;
  private final PostgresUser user;
  private final Path data;

  private LocalPostgres(int port, SupervisedProcess process, PostgresUser user, Path data) {
    this.port = port;
    this.process = process;
    this.user = user;
    this.data = data;
  }

  /**
   * Starts PostgreSQL with its data and log under {@code dir}; initialises the data directory on
   * first use.
   */
  public static LocalPostgres start(Path dir) {
    PostgresInstallation installation = PostgresInstallation.require();
    PostgresUser user = PostgresUser.forThisJvm();
    Path home = dir.toAbsolutePath();
    user.own(home);
    Path data = user.dataDirectory(home);
    initdb(installation, user, data, home.resolve("initdb.log"));
    int port = LoopbackPorts.free();
    List<String> command =
        user.command(
            List.of(
                installation.postgres().toString(),
                "-D",
                data.toString(),
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-k",
                "",
                "-c",
                "max_connections=" + MAX_CONNECTIONS,
                "-c",
                "log_min_messages=warning"));
    try {
      SupervisedProcess process =
          SupervisedProcess.start(
              "PostgreSQL on 127.0.0.1:" + port,
              command,
              Map.of(),
              home.resolve("postgres.log"),
              started ->
                  LoopbackPorts.accepting(port)
                      && started.logSinceStart().contains("ready to accept connections"),
              START_TIMEOUT);
      return new LocalPostgres(port, process, user, data);
    } catch (RuntimeException e) {
      user.forgetDataDirectory(data);
      throw e;
    }
  }

  private static void initdb(
      PostgresInstallation installation, PostgresUser user, Path data, Path log) {
    List<String> command =
        user.command(
            List.of(
                installation.initdb().toString(),
                "-D",
                data.toString(),
                "-U",
                ROLE,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-instructions"));
    try {
      Process initdb =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!initdb.waitFor(120, TimeUnit.SECONDS)) {
        initdb.destroyForcibly();
        throw new IllegalStateException("initdb did not finish within 120 s; see " + log);
      }
      if (initdb.exitValue() != 0) {
        throw new IllegalStateException(
            "initdb failed with exit code " + initdb.exitValue() + "; see " + log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while initialising PostgreSQL's data directory " + data, e);
    }
  }

  public int port() {
    return port;
  }

  /** host:port, as Temporal's {@code connectAddr} takes it. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** The postmaster's pid (its backends are its children). */
  public long pid() {
    return process.pid();
  }

  public Path logFile() {
    return process.logFile();
  }

  /**
   * Smart shutdown (SIGTERM): waits for the clients, which the stack has stopped first; then the
   * data goes, as the stack starts empty.
   */
  @Override
  public void close() {
    process.stop(Duration.ofSeconds(30));
    user.forgetDataDirectory(data);
  }
}
