package io.xcluster.archtests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import io.xcluster.region.useast.orders.archfixture.ClockReadingWorkflowImpl;
import io.xcluster.region.useast.orders.archfixture.RegionCodeNamingABridgeClass;
import io.xcluster.transport.bridge.BridgeTransport;
import org.junit.jupiter.api.Test;

/** The rules are not vacuous: each catches a class written to break it, and an empty selection fails. */
class RulesBiteTest {

  @Test
  void regionCodeNamingATransportClassIsCaught() {
    JavaClasses classes = new ClassFileImporter().importClasses(RegionCodeNamingABridgeClass.class, BridgeTransport.class);

    EvaluationResult result = ArchitectureTest.region_modules_never_depend_on_a_transport.evaluate(classes);

    assertTrue(result.hasViolation());
    assertTrue(result.getFailureReport().toString().contains("RegionCodeNamingABridgeClass"), result.getFailureReport().toString());
  }

  @Test
  void workflowReadingTheWallClockIsCaught() {
    JavaClasses classes =
        new ClassFileImporter().importClasses(ClockReadingWorkflowImpl.class, io.xcluster.region.useast.orders.archfixture.ClockReadingWorkflow.class);

    EvaluationResult result = ArchitectureTest.workflow_code_calls_nothing_non_deterministic.evaluate(classes);

    assertTrue(result.hasViolation());
    assertTrue(result.getFailureReport().toString().contains("currentTimeMillis"), result.getFailureReport().toString());
  }

  @Test
  void aRuleThatSelectsNoClassesFails() {
    JavaClasses nothingOfOurs = new ClassFileImporter().importClasses(String.class);

    assertThrows(AssertionError.class, () -> ArchitectureTest.region_modules_never_depend_on_a_transport.check(nothingOfOurs));
  }

  @Test
  void theRealCodeHasWorkflowImplementationsToCheck() {
    JavaClasses ours = new ClassFileImporter().importPackages("io.xcluster.region.useast.orders.workflow", "io.xcluster.region.euwest.fulfillment.workflow");

    assertFalse(ours.stream().filter(ArchitectureTest.WORKFLOW_CODE::test).toList().isEmpty());
  }
}
