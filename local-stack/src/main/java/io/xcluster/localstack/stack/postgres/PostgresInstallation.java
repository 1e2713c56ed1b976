package io.xcluster.localstack.stack.postgres;

import io.xcluster.testkit.tools.ToolBinary;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where PostgreSQL's server programs ({@code initdb}, {@code postgres}) are: {@code
 * XCLUSTER_POSTGRES_BIN}, else the directory of an {@code initdb} on PATH, else the newest of
 * Debian's {@code /usr/lib/postgresql/<major>/bin} (Debian keeps them off PATH). Nothing is ever
 * downloaded.
 *
 * @param binDir the directory holding {@code initdb} and {@code postgres}
 */
public record PostgresInstallation(Path binDir) {

  public static final String SETTING = "XCLUSTER_POSTGRES_BIN";
  private static final Path DEBIAN = Path.of("/usr/lib/postgresql");

  public PostgresInstallation {
    if (!Files.isExecutable(binDir.resolve("initdb"))
        || !Files.isExecutable(binDir.resolve("postgres"))) {
      throw new IllegalArgumentException(
          SETTING + "='" + binDir + "': no initdb and postgres programs there");
    }
  }

  public static Optional<PostgresInstallation> find() {
    String configured = System.getenv(SETTING);
    if (configured != null && !configured.isBlank()) {
      return Optional.of(new PostgresInstallation(Path.of(configured)));
    }
    Optional<Path> onPath =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .filter(dir -> !dir.isBlank())
            .map(dir -> Path.of(dir, "initdb"))
            .filter(Files::isExecutable)
            .findFirst()
            .map(PostgresInstallation::realDirectory);
    return onPath
        .or(PostgresInstallation::newestDebianMajor)
        .filter(dir -> Files.isExecutable(dir.resolve("postgres")))
        .map(PostgresInstallation::new);
  }

  /** The installation, or one clear error saying how to get it. */
  public static PostgresInstallation require() {
    return find()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no PostgreSQL server (initdb, postgres): run scripts/install-tools.sh postgres, or set "
                        + SETTING
                        + " to its bin directory"));
  }

  /**
   * For the production-like tier's tests: as {@link ToolBinary#availableForTests()}, a miss is an
   * error where tools are required (CI).
   */
  public static boolean availableForTests() {
    boolean available = find().isPresent();
    if (!available && "true".equals(System.getenv(ToolBinary.REQUIRED_SETTING))) {
      throw new IllegalStateException(ToolBinary.REQUIRED_SETTING + "=true but " + require());
    }
    return available;
  }

  public Path initdb() {
    return binDir.resolve("initdb");
  }

  public Path postgres() {
    return binDir.resolve("postgres");
  }

  private static Path realDirectory(Path program) {
    try {
      return program.toRealPath().getParent();
    } catch (IOException e) {
      return program.getParent();
    }
  }

  private static Optional<Path> newestDebianMajor() {
    if (!Files.isDirectory(DEBIAN)) {
      return Optional.empty();
    }
    try (Stream<Path> majors = Files.list(DEBIAN)) {
      return majors
          .filter(dir -> dir.getFileName().toString().matches("\\d+"))
          .max(Comparator.comparingInt(dir -> Integer.parseInt(dir.getFileName().toString())))
          .map(dir -> dir.resolve("bin"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
