package io.xcluster.archtests;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.xcluster.runtime.launch.TransportLaunchers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Stacks and benchmarks find transports through their launchers on the class path ({@code
 * io.xcluster.runtime.launch}); they never name one — not by class, not by its name in a string —
 * so that a new transport needs no edit there (docs/adding-a-transport.md).
 */
class StacksNameNoTransportTest {

  /** The main code that must stay transport-agnostic. */
  private static final List<String> MODULES = List.of("local-stack", "bench");

  private static final String PACKAGES = "io.xcluster.localstack..";

  /** Configuration defaults may name the default transport, and nothing else may. */
  private static final Set<String> DEFAULTS_ALLOWED_IN = Set.of("StackMixin.java");

  @Test
  void stackAndBenchmarkClassesNeverDependOnATransportModule() {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.xcluster.localstack", "io.xcluster.bench");
    noClasses()
        .that()
        .resideInAnyPackage(PACKAGES, "io.xcluster.bench..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.xcluster.transport..")
        .because("stacks and benchmarks loop over the transport launchers on the class path")
        .check(classes);
  }

  @Test
  void stackAndBenchmarkSourcesNeverSpellATransportsName() throws IOException {
    Set<String> names = TransportLaunchers.available().keySet();
    assertFalse(
        names.isEmpty(), "no transport launcher on the class path: this check would check nothing");
    List<String> found = new ArrayList<>();
    for (String module : MODULES) {
      Path sources = Repository.root().resolve(module).resolve("src/main/java");
      if (!Files.isDirectory(sources)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(sources)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          if (DEFAULTS_ALLOWED_IN.contains(file.getFileName().toString())) {
            continue;
          }
          String text = Files.readString(file);
          for (String name : names) {
            if (text.contains("\"" + name + "\"")) {
              found.add(Repository.root().relativize(file) + " spells \"" + name + "\"");
            }
          }
        }
      }
    }
    assertEquals(List.of(), found, "transport names outside configuration defaults");
  }
}
