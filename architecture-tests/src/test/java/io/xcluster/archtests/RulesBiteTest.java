package io.xcluster.archtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.xcluster.port.fixture.PortNamingARegionClass;
import io.xcluster.region.fixture.fulfillment.ClockReadingWorkflow;
import io.xcluster.region.fixture.fulfillment.ClockReadingWorkflowImpl;
import io.xcluster.region.fixture.fulfillment.CutOffDayWorkflowImpl;
import io.xcluster.region.fixture.fulfillment.FixtureShipment;
import io.xcluster.region.fixture.fulfillment.LocaleCasingWorkflowImpl;
import io.xcluster.region.fixture.fulfillment.LocaleFormattingWorkflowImpl;
import io.xcluster.region.fixture.fulfillment.PickupActivities;
import io.xcluster.region.fixture.fulfillment.PickupBookingWorkflowImpl;
import io.xcluster.region.fixture.fulfillment.PickupSchedulingWorkflowImpl;
import io.xcluster.region.fixture.fulfillment.PickupSlot;
import io.xcluster.region.fixture.fulfillment.RegionCodeNamingATransport;
import io.xcluster.region.fixture.orders.RegionReusingAnotherRegionsCode;
import io.xcluster.replication.fixture.ReplicationNamingARegionClass;
import io.xcluster.runtime.fixture.RuntimeNamingARegionClass;
import io.xcluster.tracing.fixture.TracingNamingARegionClass;
import io.xcluster.transport.fixture.FixtureTransport;
import io.xcluster.transport.fixture.TransportNamingARegionClass;
import io.xcluster.transport.fixtureother.TransportReusingAnotherTransport;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules are not vacuous: every {@code @ArchTest} rule of {@link ArchitectureTest} catches a
 * fixture class written to break it (test sources, never analysed by the real run), and a rule that
 * selects no classes fails.
 *
 * <p>Region fixtures live in {@code io.xcluster.region.fixture.<service>}, the shape {@code
 * scripts/fork-region.sh} gives a fork ({@link RegionForkTest} checks the shape), so each region
 * rule catching them shows it also sees a forked region.
 */
class RulesBiteTest {

  /** The class that breaks the rule, then the classes it needs beside it to do so. */
  private record Fixture(Class<?> offender, Class<?>... beside) {
    JavaClasses classes() {
      return new ClassFileImporter()
          .importClasses(
              Stream.concat(Stream.of(offender), Arrays.stream(beside)).toArray(Class<?>[]::new));
    }
  }

  private static final Map<String, Fixture> FIXTURES =
      Map.of(
          "region_modules_never_depend_on_a_transport",
              new Fixture(RegionCodeNamingATransport.class, FixtureTransport.class),
          "regions_share_a_wire_format_never_code",
              new Fixture(RegionReusingAnotherRegionsCode.class, FixtureShipment.class),
          "transports_never_depend_on_each_other",
              new Fixture(TransportReusingAnotherTransport.class, FixtureTransport.class),
          "transports_never_depend_on_region_internals",
              new Fixture(TransportNamingARegionClass.class, FixtureShipment.class),
          "the_port_depends_on_nothing_of_ours",
              new Fixture(PortNamingARegionClass.class, FixtureShipment.class),
          "the_service_runtime_names_no_service",
              new Fixture(RuntimeNamingARegionClass.class, FixtureShipment.class),
          "tracing_knows_only_the_port",
              new Fixture(TracingNamingARegionClass.class, FixtureShipment.class),
          "replication_setup_stands_alone",
              new Fixture(ReplicationNamingARegionClass.class, FixtureShipment.class),
          "workflow_code_calls_nothing_non_deterministic",
              new Fixture(ClockReadingWorkflowImpl.class, ClockReadingWorkflow.class));

  /**
   * Every {@code @ArchTest} field of {@link ArchitectureTest}, so a new rule without a fixture
   * fails here.
   */
  static List<String> everyRule() {
    return Arrays.stream(ArchitectureTest.class.getDeclaredFields())
        .filter(f -> f.isAnnotationPresent(ArchTest.class) && Modifier.isStatic(f.getModifiers()))
        .map(Field::getName)
        .sorted()
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyRule")
  void ruleCatchesItsFixture(String rule) throws ReflectiveOperationException {
    Fixture fixture = FIXTURES.get(rule);
    if (fixture == null) {
      fail("rule " + rule + " has no fixture that breaks it: add one to RulesBiteTest.FIXTURES");
    }

    EvaluationResult result = rule(rule).evaluate(fixture.classes());

    List<String> details = result.getFailureReport().getDetails();
    // the class itself must be reported: "failed to check any classes" is a violation too, and
    // proves nothing
    assertTrue(
        details.stream().anyMatch(d -> d.contains(fixture.offender().getName())),
        rule + " did not catch " + fixture.offender().getName() + "; it reported " + details);
  }

  @Test
  void workflowCodeChangingCaseInTheWorkersLocaleIsCaught() {
    List<String> details =
        determinismViolations(LocaleCasingWorkflowImpl.class, ClockReadingWorkflow.class);

    assertTrue(
        details.stream().anyMatch(d -> d.contains("String.toUpperCase()")),
        "the rule let a locale-dependent toUpperCase() through; it reported " + details);
  }

  @Test
  void workflowCodeFormattingInTheWorkersLocaleIsCaught() {
    List<String> details =
        determinismViolations(LocaleFormattingWorkflowImpl.class, ClockReadingWorkflow.class);

    for (String call :
        List.of(
            "String.format(java.lang.String, [Ljava.lang.Object;)",
            "String.formatted([Ljava.lang.Object;)")) {
      assertTrue(
          details.stream().anyMatch(d -> d.contains(call)),
          "the rule let a locale-dependent " + call + " through; it reported " + details);
    }
  }

  @Test
  void workflowCodeReadingTheClockInAZoneOrThroughASystemClockIsCaught() {
    List<String> details =
        determinismViolations(CutOffDayWorkflowImpl.class, ClockReadingWorkflow.class);

    for (String call : List.of("LocalDate.now(java.time.ZoneId)", "Clock.systemUTC()")) {
      assertTrue(
          details.stream().anyMatch(d -> d.contains(call)),
          "the rule let " + call + " through; it reported " + details);
    }
  }

  @Test
  void aHelperAWorkflowCallsIsWorkflowCodeToo() {
    List<String> details =
        determinismViolations(
            PickupBookingWorkflowImpl.class, ClockReadingWorkflow.class, PickupSlot.class);

    assertTrue(
        details.stream()
            .anyMatch(
                d ->
                    d.contains(PickupSlot.class.getName() + ".next()")
                        && d.contains("Instant.now()")),
        "the rule let a workflow's helper read the clock; it reported " + details);
  }

  @Test
  void anActivityImplementationAWorkflowReachesMayReadTheClock() {
    List<String> details =
        determinismViolations(
            PickupSchedulingWorkflowImpl.class,
            ClockReadingWorkflow.class,
            PickupActivities.class,
            PickupActivities.simulated().getClass());

    assertEquals(List.of(), details, "activity implementations run outside the workflow");
  }

  @Test
  void theDeterminismRuleFailsWhenItFindsNoWorkflow() {
    // a helper no workflow reaches is not workflow code: the rule then checks nothing, and says so
    AssertionError nothingChecked =
        assertThrows(
            AssertionError.class,
            () ->
                ArchitectureTest.workflow_code_calls_nothing_non_deterministic.check(
                    new ClassFileImporter().importClasses(PickupSlot.class)));

    assertTrue(
        nothingChecked.getMessage().contains("failed to check any classes"),
        nothingChecked.getMessage());
  }

  @Test
  void everyFixtureBelongsToARule() {
    assertEquals(
        List.of(),
        FIXTURES.keySet().stream().filter(r -> !everyRule().contains(r)).sorted().toList(),
        "fixtures for rules ArchitectureTest no longer has");
  }

  @Test
  void aRuleThatSelectsNoClassesFails() throws ReflectiveOperationException {
    JavaClasses nothingOfOurs = new ClassFileImporter().importClasses(String.class);

    assertThrows(
        AssertionError.class,
        () -> rule("region_modules_never_depend_on_a_transport").check(nothingOfOurs));
  }

  /** What the determinism rule reports about these classes alone. */
  private static List<String> determinismViolations(Class<?>... classes) {
    return ArchitectureTest.workflow_code_calls_nothing_non_deterministic
        .evaluate(new ClassFileImporter().importClasses(classes))
        .getFailureReport()
        .getDetails();
  }

  private static ArchRule rule(String name) throws ReflectiveOperationException {
    return (ArchRule) ArchitectureTest.class.getDeclaredField(name).get(null);
  }
}
