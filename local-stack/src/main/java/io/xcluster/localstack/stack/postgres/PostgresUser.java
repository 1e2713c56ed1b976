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
 * The operating-system user PostgreSQL runs as. PostgreSQL refuses to run as root, so a root JVM
 * (a CI container) runs it as Debian's {@code postgres} system user, through {@code setpriv}
 * (which replaces itself with the program, so the supervised pid is PostgreSQL's own); any other
 * user runs it as itself.
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
    List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + SYSTEM_USER, "--regid=" + SYSTEM_USER, "--init-groups", "--"));
    command.addAll(program);
    return command;
  }

  /** Creates {@code dir} and hands it to this user, so PostgreSQL can create its data directory inside. */
  void own(Path dir) {
    try {
      Files.createDirectories(dir);
      if (switchUser) {
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView attributes = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
        attributes.setOwner(users.lookupPrincipalByName(SYSTEM_USER));
        GroupPrincipal group = users.lookupPrincipalByGroupName(SYSTEM_USER);
        attributes.setGroup(group);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot give " + dir + " to the " + SYSTEM_USER + " user (PostgreSQL refuses to run as root): "
          + e.getMessage(), e);
    }
  }
}
