package io.xcluster.archtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.PackageMatcher;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.temporal.activity.ActivityInterface;
import io.temporal.workflow.WorkflowInterface;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ArchUnit fails a rule whose {@code that()} selects nothing, but a package on the {@code should()}
 * side that matches nothing checks nothing in silence. So every package pattern of {@link
 * ArchitectureTest} (its {@code String} constants) must select classes of the real code, and every
 * slice pattern must cut it into at least two slices.
 */
class RulePackagesSelectClassesTest {

  private static JavaClasses ours;

  @BeforeAll
  static void importTheRealCode() {
    ours =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.xcluster");
  }

  @Test
  void everyPackagePatternSelectsClasses() throws IllegalAccessException {
    Map<String, String> patterns = packagePatterns();
    assertFalse(patterns.isEmpty(), "ArchitectureTest has no package constants");

    Map<String, String> empty = new LinkedHashMap<>();
    patterns.forEach(
        (name, pattern) -> {
          if (ours.stream()
              .noneMatch(c -> PackageMatcher.of(pattern).matches(c.getPackageName()))) {
            empty.put(name, pattern);
          }
        });
    assertEquals(Map.of(), empty, "package patterns that select no class (renamed packages?)");
  }

  @Test
  void everySlicePatternFindsSeveralSlices() throws IllegalAccessException {
    for (Map.Entry<String, String> pattern : packagePatterns().entrySet()) {
      if (!pattern.getValue().contains("(*)")) {
        continue;
      }
      PackageMatcher matcher = PackageMatcher.of(pattern.getValue());
      Set<String> slices = new TreeSet<>();
      for (JavaClass c : ours) {
        matcher
            .match(c.getPackageName())
            .map(PackageMatcher.TO_GROUPS)
            .map(List::toString)
            .ifPresent(slices::add);
      }
      // one slice cannot depend on another: the rule would hold whatever the code did
      assertFalse(
          slices.size() < 2,
          pattern.getKey() + " (" + pattern.getValue() + ") finds the slices " + slices);
    }
  }

  @Test
  void theWorkflowCodePredicateSelectsRegionWorkflowsAndThePortsClient() {
    Set<String> packages = new TreeSet<>();
    ours.stream()
        .filter(ArchitectureTest.WORKFLOW_CODE)
        .forEach(c -> packages.add(c.getPackageName()));

    for (String expected : List.of(ArchitectureTest.REGIONS, ArchitectureTest.PORT_WORKFLOW)) {
      assertFalse(
          packages.stream().noneMatch(p -> PackageMatcher.of(expected).matches(p)),
          "workflow code selected only in " + packages + ", nothing in " + expected);
    }
  }

  @Test
  void workflowCodeReachesTheHelpersWorkflowsCallButNoActivityImplementation() {
    List<JavaClass> workflowCode = ours.stream().filter(ArchitectureTest.WORKFLOW_CODE).toList();

    // the records and helpers a workflow calls, in the regions and in the port (beyond its
    // workflow-side client)
    for (String expected : List.of(ArchitectureTest.REGIONS, ArchitectureTest.PORT)) {
      assertFalse(
          workflowCode.stream()
              .filter(c -> PackageMatcher.of(expected).matches(c.getPackageName()))
              .filter(
                  c ->
                      !PackageMatcher.of(ArchitectureTest.PORT_WORKFLOW)
                          .matches(c.getPackageName()))
              .allMatch(RulePackagesSelectClassesTest::implementsAWorkflow),
          "workflow code in " + expected + " is only workflow implementations: " + workflowCode);
    }
    assertEquals(
        List.of(),
        workflowCode.stream()
            .filter(
                c ->
                    !c.isInterface()
                        && ArchitectureTest.implementsAnInterfaceAnnotated(
                            c, ActivityInterface.class))
            .map(JavaClass::getName)
            .toList(),
        "activity implementations run outside the workflow, yet are selected as workflow code");
  }

  private static boolean implementsAWorkflow(JavaClass c) {
    return ArchitectureTest.implementsAnInterfaceAnnotated(c, WorkflowInterface.class);
  }

  /** Constant name → package pattern, for every String constant of ArchitectureTest. */
  private static Map<String, String> packagePatterns() throws IllegalAccessException {
    Map<String, String> patterns = new LinkedHashMap<>();
    for (Field field : ArchitectureTest.class.getDeclaredFields()) {
      if (field.getType() == String.class && Modifier.isStatic(field.getModifiers())) {
        patterns.put(field.getName(), (String) field.get(null));
      }
    }
    return patterns;
  }
}
