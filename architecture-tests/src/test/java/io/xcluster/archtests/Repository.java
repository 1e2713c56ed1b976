package io.xcluster.archtests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checkout these tests run in: surefire starts them in architecture-tests/, the root is its
 * parent.
 */
final class Repository {

  private static final Pattern MODULE = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>");

  private Repository() {}

  static Path root() {
    Path root = Path.of("").toAbsolutePath().getParent();
    assertTrue(
        root != null
            && Files.isRegularFile(root.resolve("pom.xml"))
            && Files.isDirectory(root.resolve("scripts")),
        "no pom.xml and scripts/ above "
            + Path.of("").toAbsolutePath()
            + " (the tests run from the architecture-tests directory)");
    return root;
  }

  /** The module directories the root pom lists, in its order. */
  static List<String> modules() {
    try {
      Matcher module = MODULE.matcher(Files.readString(root().resolve("pom.xml")));
      List<String> modules = new ArrayList<>();
      while (module.find()) {
        modules.add(module.group(1));
      }
      return modules;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
