package io.xcluster.localstack.stack.postgres;

import io.xcluster.testkit.tools.ToolBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code temporal-sql-tool} of the server's version, as the server's own Makefile uses it: create a
 * database, set up the versioned schema at 0.0, then apply every versioned step from the schema
 * files of that same version (kept beside the tool by {@code scripts/install-tools.sh postgres}).
 */
final class TemporalSchemaTool {

  static final ToolBinary BINARY =
      new ToolBinary(
          "temporal-sql-tool",
          "XCLUSTER_TEMPORAL_SQL_TOOL",
          "temporal-sql-tool-v1.29.1/temporal-sql-tool",
          "postgres",
          List.of());

  /**
   * Overrides where the schema files are; by default {@code schema/postgresql/v12} beside the tool.
   */
  static final String SCHEMA_SETTING = "XCLUSTER_TEMPORAL_SQL_SCHEMA";

  static final String PLUGIN = "postgres12";

  private final Path binary;
  private final Path schema;
  private final LocalPostgres postgres;
  private final Path log;

  private TemporalSchemaTool(Path binary, Path schema, LocalPostgres postgres, Path log) {
    this.binary = binary;
    this.schema = schema;
    this.postgres = postgres;
    this.log = log;
  }

  static TemporalSchemaTool against(LocalPostgres postgres, Path log) {
    Path binary = BINARY.require();
    String configured = System.getenv(SCHEMA_SETTING);
    Path schema =
        configured != null && !configured.isBlank()
            ? Path.of(configured)
            : binary
                .toAbsolutePath()
                .getParent()
                .resolve("schema")
                .resolve("postgresql")
                .resolve("v12");
    if (!Files.isDirectory(schema.resolve("temporal").resolve("versioned"))) {
      throw new IllegalStateException(
          (configured != null ? SCHEMA_SETTING + "='" + configured + "'" : "beside " + binary)
              + ": no PostgreSQL schema files (temporal/versioned); run scripts/install-tools.sh postgres, or set "
              + SCHEMA_SETTING
              + " to go.temporal.io/server@v1.29.1/schema/postgresql/v12");
    }
    return new TemporalSchemaTool(binary, schema, postgres, log);
  }

  /**
   * Creates {@code database} with Temporal's main schema and {@code visibilityDatabase} with its
   * visibility schema.
   */
  void createCluster(String database, String visibilityDatabase) {
    create(database, "temporal");
    create(visibilityDatabase, "visibility");
  }

  private void create(String database, String schemaName) {
    run(database, "create-database");
    run(database, "setup-schema", "-v", "0.0");
    run(
        database,
        "update-schema",
        "-d",
        schema.resolve(schemaName).resolve("versioned").toString());
  }

  private void run(String database, String... command) {
    List<String> line =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--ep",
                "127.0.0.1",
                "-p",
                Integer.toString(postgres.port()),
                "-u",
                LocalPostgres.ROLE,
                "--pl",
                PLUGIN,
                "--db",
                database));
    line.addAll(List.of(command));
    try {
      Process tool =
          new ProcessBuilder(line)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      if (!tool.waitFor(120, TimeUnit.SECONDS)) {
        tool.destroyForcibly();
        throw new IllegalStateException(
            "temporal-sql-tool "
                + command[0]
                + " on "
                + database
                + " did not finish within 120 s; see "
                + log);
      }
      if (tool.exitValue() != 0) {
        throw new IllegalStateException(
            "temporal-sql-tool "
                + command[0]
                + " on "
                + database
                + " failed (exit "
                + tool.exitValue()
                + "); see "
                + log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + binary + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while setting up the schema of " + database, e);
    }
  }
}
