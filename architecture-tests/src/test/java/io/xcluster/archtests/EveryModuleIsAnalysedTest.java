package io.xcluster.archtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rules see only the classes on this module's test class path: a module of the reactor that is
 * missing there (a new one, a fork) would never be checked. So each module's main classes must be
 * here, under {@code io.xcluster} where {@code @AnalyzeClasses} looks.
 */
class EveryModuleIsAnalysedTest {

  private static final String SELF = "architecture-tests";

  @Test
  void everyModuleOfTheReactorIsOnTheRulesClassPath() throws IOException {
    List<String> modules = Repository.modules();
    assertFalse(modules.isEmpty(), "the root pom lists no modules");

    Map<String, String> notAnalysed = new LinkedHashMap<>();
    for (String module : modules) {
      if (module.equals(SELF)) {
        continue;
      }
      Optional<String> someClass =
          someMainClass(Repository.root().resolve(module).resolve("src/main/java"));
      if (someClass.isEmpty()) {
        continue; // nothing to analyse (a pom-only module)
      }
      String name = someClass.get();
      if (!name.startsWith("io.xcluster.")) {
        notAnalysed.put(module, name + " is outside io.xcluster, where the rules look");
      } else if (getClass().getClassLoader().getResource(name.replace('.', '/') + ".class")
          == null) {
        notAnalysed.put(
            module,
            name
                + " is not on the class path: add "
                + module
                + " as a test dependency in architecture-tests/pom.xml");
      }
    }
    assertEquals(Map.of(), notAnalysed, "modules the ArchUnit rules do not see");
  }

  /** The fully qualified name of one class under {@code sources}, if it has any. */
  private static Optional<String> someMainClass(Path sources) throws IOException {
    if (!Files.isDirectory(sources)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.walk(sources)) {
      return files
          .filter(f -> f.toString().endsWith(".java"))
          .filter(
              f ->
                  !f.getFileName().toString().equals("package-info.java")
                      && !f.getFileName().toString().equals("module-info.java"))
          .sorted()
          .findFirst()
          .map(
              f ->
                  sources
                      .relativize(f)
                      .toString()
                      .replace(java.io.File.separatorChar, '.')
                      .replaceAll("\\.java$", ""));
    }
  }
}
