package io.xcluster.archtests;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.PackageMatcher;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.temporal.activity.ActivityInterface;
import io.temporal.workflow.WorkflowInterface;
import java.lang.annotation.Annotation;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * The architecture, as rules: each field's name is a sentence about the system.
 *
 * <p>Every package pattern is a constant here, and {@code RulePackagesSelectClassesTest} checks
 * that each selects real classes, so a renamed package cannot leave a rule checking nothing. Every
 * {@code @ArchTest} rule has a fixture that breaks it in {@code RulesBiteTest}.
 */
@AnalyzeClasses(packages = "io.xcluster", importOptions = ImportOption.DoNotIncludeTests.class)
public class ArchitectureTest {

  static final String PORT = "io.xcluster.port..";

  /**
   * Region code: every region module and every fork of one lives in
   * io.xcluster.region.<region>.<service> (us-east's orders, eu-west's fulfillment;
   * scripts/fork-region.sh replaces the region segment).
   */
  static final String REGIONS = "io.xcluster.region..";

  /**
   * One slice per region and service: io.xcluster.region.useast.orders, ...euwest.fulfillment, a
   * fork's.
   */
  static final String REGION_SLICES = "io.xcluster.region.(*).(*)..";

  static final String TRANSPORTS = "io.xcluster.transport..";
  static final String TRANSPORT_SLICES = "io.xcluster.transport.(*)..";

  /** The port's workflow-side client: runs inside workflows, so the determinism rule covers it. */
  static final String PORT_WORKFLOW = "io.xcluster.port.workflow..";

  static final String LOCAL_STACK = "io.xcluster.localstack..";
  static final String TRACING = "io.xcluster.tracing..";
  static final String REPLICATION = "io.xcluster.replication..";
  static final String RUNTIME = "io.xcluster.runtime..";

  @ArchTest
  static final ArchRule region_modules_never_depend_on_a_transport =
      noClasses()
          .that()
          .resideInAPackage(REGIONS)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(TRANSPORTS)
          .because(
              "a region only knows the port; the transport is chosen by configuration at the composition root");

  @ArchTest
  static final ArchRule regions_share_a_wire_format_never_code =
      slices()
          .matching(REGION_SLICES)
          .namingSlices("region $1, service $2")
          .should()
          .notDependOnEachOther()
          .because("us-east and eu-west are deployed and released independently");

  @ArchTest
  static final ArchRule transports_never_depend_on_each_other =
      slices()
          .matching(TRANSPORT_SLICES)
          .namingSlices("transport $1")
          .should()
          .notDependOnEachOther()
          .because(
              "a transport is one module behind the port: adding or removing one touches no other");

  @ArchTest
  static final ArchRule transports_never_depend_on_region_internals =
      noClasses()
          .that()
          .resideInAPackage(TRANSPORTS)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(REGIONS, LOCAL_STACK)
          .because("a transport carries any workflow type: it must not know which");

  @ArchTest
  static final ArchRule the_port_depends_on_nothing_of_ours =
      noClasses()
          .that()
          .resideInAPackage(PORT)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(REGIONS, TRANSPORTS, LOCAL_STACK, TRACING, RUNTIME)
          .because("regions and transports meet only in the port, so it cannot know either");

  @ArchTest
  static final ArchRule the_service_runtime_names_no_service =
      noClasses()
          .that()
          .resideInAPackage(RUNTIME)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(REGIONS, TRANSPORTS, LOCAL_STACK, REPLICATION)
          .because("every process shares it, so it can name none of them");

  @ArchTest
  static final ArchRule tracing_knows_only_the_port =
      noClasses()
          .that()
          .resideInAPackage(TRACING)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(REGIONS, TRANSPORTS, LOCAL_STACK, RUNTIME)
          .because("tracing is a cross-cutting concern added at the composition root");

  @ArchTest
  static final ArchRule replication_setup_stands_alone =
      noClasses()
          .that()
          .resideInAPackage(REPLICATION)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(PORT, REGIONS, TRANSPORTS, LOCAL_STACK, TRACING, RUNTIME)
          .because(
              "replication-setup operates any pair of Temporal clusters, not only this project's");

  /** Every class of ours: what workflow code can reach and the rules can check. */
  static final String OURS = "io.xcluster..";

  /**
   * What runs on a workflow thread: the classes that implement a {@code @WorkflowInterface}, the
   * port's workflow-side client, and every class of ours they depend on, directly or through other
   * classes of ours (records they validate, helpers they call, activity interfaces they stub).
   * Activity implementations stop the walk: they run outside the workflow, and may read clocks and
   * do I/O.
   */
  static final DescribedPredicate<JavaClass> WORKFLOW_CODE =
      DescribedPredicate.describe(
          "run by workflows (workflow implementations, the port's workflow-side client, and the classes of ours they reach, activity implementations excepted)",
          ArchitectureTest::reachedFromAWorkflow);

  private static boolean reachedFromAWorkflow(JavaClass c) {
    Set<JavaClass> seen = new HashSet<>();
    Deque<JavaClass> toVisit = new ArrayDeque<>(List.of(c));
    while (!toVisit.isEmpty()) {
      JavaClass next = toVisit.pop();
      if (!seen.add(next) || !runsOnAWorkflowThread(next)) {
        continue;
      }
      if (isAWorkflowRoot(next)) {
        return true;
      }
      // walk backwards: a class that depends on this one and is reached from a workflow reaches it
      next.getDirectDependenciesToSelf().forEach(d -> toVisit.push(d.getOriginClass()));
    }
    return false;
  }

  private static boolean isAWorkflowRoot(JavaClass c) {
    return PackageMatcher.of(PORT_WORKFLOW).matches(c.getPackageName())
        || (!c.isInterface() && implementsAnInterfaceAnnotated(c, WorkflowInterface.class));
  }

  private static boolean runsOnAWorkflowThread(JavaClass c) {
    return PackageMatcher.of(OURS).matches(c.getPackageName())
        && (c.isInterface() || !implementsAnInterfaceAnnotated(c, ActivityInterface.class));
  }

  static boolean implementsAnInterfaceAnnotated(
      JavaClass c, Class<? extends Annotation> annotation) {
    return c.getAllRawInterfaces().stream().anyMatch(i -> i.isAnnotatedWith(annotation));
  }

  /**
   * The worker's clock through java.time: {@code now(..)} of any java.time type unless given a
   * {@code Clock} (so {@code LocalDate.now(ZoneOffset.UTC)} too), and the system clocks.
   */
  static final DescribedPredicate<JavaMethodCall> READING_THE_WALL_CLOCK =
      DescribedPredicate.describe(
          "read the wall clock (a java.time now(..) given no Clock, or Clock.system..())",
          call -> {
            JavaClass owner = call.getTargetOwner();
            String method = call.getName();
            boolean givenAClock =
                call.getTarget().getRawParameterTypes().stream()
                    .anyMatch(t -> t.isAssignableTo(Clock.class));
            return owner.getPackageName().equals("java.time")
                && ((method.equals("now") && !givenAClock)
                    || (owner.isEquivalentTo(Clock.class) && method.startsWith("system")));
          });

  /**
   * I/O, threads, NATS and OpenTelemetry; their exception types excepted: catching the {@code
   * IOException} an in-memory JSON parse declares does no I/O.
   */
  static final DescribedPredicate<JavaClass> DOING_IO_OR_THREADING =
      JavaClass.Predicates.resideInAnyPackage(
              "java.io..",
              "java.net..",
              "java.nio.file..",
              "java.util.concurrent..",
              "io.nats..",
              "io.opentelemetry..")
          .and(DescribedPredicate.not(JavaClass.Predicates.assignableTo(Throwable.class)))
          .as("do I/O or threading, or are NATS or OpenTelemetry (exception types excepted)");

  @ArchTest
  static final ArchRule workflow_code_calls_nothing_non_deterministic =
      noClasses()
          .that(WORKFLOW_CODE)
          .should()
          .callMethod(System.class, "currentTimeMillis")
          .orShould()
          .callMethod(System.class, "nanoTime")
          .orShould()
          .callMethodWhere(READING_THE_WALL_CLOCK)
          .orShould()
          .callConstructor(Date.class)
          .orShould()
          .callMethod(Thread.class, "sleep", long.class)
          .orShould()
          .callMethod(Thread.class, "sleep", long.class, int.class)
          .orShould()
          .callMethod(UUID.class, "randomUUID")
          .orShould()
          .callMethod(Math.class, "random")
          .orShould()
          .callConstructor(Random.class)
          .orShould()
          .callConstructor(Random.class, long.class)
          .orShould()
          .callConstructor(SecureRandom.class)
          .orShould()
          .callMethod(String.class, "toLowerCase")
          .orShould()
          .callMethod(String.class, "toUpperCase")
          .orShould()
          .callMethod(String.class, "format", String.class, Object[].class)
          .orShould()
          .callMethod(String.class, "formatted", Object[].class)
          .orShould()
          .dependOnClassesThat(DOING_IO_OR_THREADING)
          .because(
              "workflow code is replayed, on any worker: use Workflow.currentTimeMillis/sleep/newRandom/randomUUID, format and change case with Locale.ROOT (not the worker's locale), and do I/O in activities");
}
