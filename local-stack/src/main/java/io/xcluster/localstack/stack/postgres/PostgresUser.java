package io.xcluster.localstack.stack.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;

/**
 * The operating-system user PostgreSQL runs as. PostgreSQL refuses to run as root, so a root JVM (a
 * CI container) runs it as Debian's {@code postgres} system user, through {@code setpriv} (which
 * replaces itself with the program, so the supervised pid is PostgreSQL's own); any other user runs
 * it as itself.
 */
final class PostgresUser {

  static final String SYSTEM_USER = "postgres";

  private final boolean switchUser;

  private PostgresUser(boolean switchUser) {
    this.switchUser = switchUser;
  }

  static PostgresUser forThisJvm() {
    return new PostgresUser("root".equals(System.getProperty("user.name")));
  }

  /** {@code program} as this user runs it. */
  List<String> command(List<String> program) {
    if (!switchUser) {
      return program;
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--reuid=" + SYSTEM_USER,
                "--regid=" + SYSTEM_USER,
                "--init-groups",
                "--"));
    command.addAll(program);
    return command;
  }

  /**
   * Where PostgreSQL's data directory goes for a stack whose files are under {@code home}: there,
   * when PostgreSQL runs as this JVM's user; as the {@code postgres} user, in a fresh directory
   * under the system's temporary directory instead, because the stack's work directory may lie
   * below one that user cannot enter (a checkout under {@code /root}). A symbolic link {@code
   * home/data} then points at it, so a post-mortem finds it where it would be.
   */
  Path dataDirectory(Path home) {
    if (!switchUser) {
      return home.resolve("data");
    }
    try {
      Path parent = Files.createTempDirectory("xcluster-postgres-");
      own(parent);
      Path data = parent.resolve("data");
      Files.deleteIfExists(home.resolve("data"));
      Files.createSymbolicLink(home.resolve("data"), data);
      return data;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create a data directory for PostgreSQL under "
              + System.getProperty("java.io.tmpdir")
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Removes what {@link #dataDirectory} made outside the stack's work directory (a no-op when it
   * made nothing there).
   */
  void forgetDataDirectory(Path data) {
    if (!switchUser) {
      return;
    }
    try (java.util.stream.Stream<Path> tree = Files.walk(data.getParent())) {
      for (Path path : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      System.err.println(
          "production-like stack: could not remove PostgreSQL's data directory "
              + data.getParent()
              + ": "
              + e.getMessage());
    }
  }

  /**
   * Creates {@code dir} and hands it to this user, so PostgreSQL can create its data directory
   * inside.
   */
  void own(Path dir) {
    try {
      Files.createDirectories(dir);
      if (switchUser) {
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView attributes =
            Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        attributes.setOwner(users.lookupPrincipalByName(SYSTEM_USER));
        GroupPrincipal group = users.lookupPrincipalByGroupName(SYSTEM_USER);
        attributes.setGroup(group);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot give "
              + dir
              + " to the "
              + SYSTEM_USER
              + " user (PostgreSQL refuses to run as root): "
              + e.getMessage(),
          e);
    }
  }
}
