package io.xcluster.archtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.tngtech.archunit.core.domain.PackageMatcher;
import io.xcluster.region.fixture.fulfillment.FixtureShipment;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A region forked by {@code scripts/fork-region.sh} is seen by every region rule: the script puts
 * the fork in a package of the shape the region patterns select, the same shape as the fixture
 * region whose classes {@link RulesBiteTest} shows each rule catching, and registers the fork as a
 * test dependency here, so it is on the rules' class path ({@code ForkRegionScriptTest} in
 * local-stack checks that on a real fork).
 */
class RegionForkTest {

  /**
   * A region no checkout has: the guide's own example, ap-south, may well exist once someone
   * followed it, and the script refuses to fork a region that exists.
   */
  private static final String FORK_REGION = "zz-archtest";

  /** The fork's package segment: the region without its dashes. */
  private static final String FORK_SEGMENT = FORK_REGION.replace("-", "");

  private static final Pattern PACKAGE_LINE =
      Pattern.compile("(?m)^\\s*package\\s+(\\S+) -> (\\S+)");

  private static String dryRun;

  @BeforeAll
  static void forkARegionDryRun() throws IOException, InterruptedException {
    assumeTrue(
        onPath("bash") && onPath("perl"), "bash and perl are needed to run scripts/fork-region.sh");
    Process process =
        new ProcessBuilder(
                "bash",
                Repository.root().resolve("scripts/fork-region.sh").toString(),
                "--dry-run",
                FORK_REGION)
            .redirectErrorStream(true)
            .start();
    byte[] output = process.getInputStream().readAllBytes();
    assertTrue(
        process.waitFor(60, TimeUnit.SECONDS), "fork-region.sh --dry-run did not finish in 60 s");
    dryRun = new String(output, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), dryRun);
  }

  @Test
  void theForksPackageIsSelectedByEveryRegionPattern() {
    String forked = forkedPackage();

    for (String pattern : List.of(ArchitectureTest.REGIONS, ArchitectureTest.REGION_SLICES)) {
      assertTrue(
          PackageMatcher.of(pattern).matches(forked),
          pattern + " does not select the fork's package " + forked);
    }
    assertEquals(
        List.of(FORK_SEGMENT, fixtureGroups().get(1)),
        PackageMatcher.of(ArchitectureTest.REGION_SLICES)
            .match(forked)
            .map(PackageMatcher.TO_GROUPS)
            .orElseThrow(),
        "the fork is a slice of its own, named by its region");
  }

  @Test
  void theForkHasTheShapeOfTheFixtureRegionTheBiteTestsUse() {
    String fixturePackage = FixtureShipment.class.getPackageName();
    String fixtureRegion = fixtureGroups().get(0);

    assertEquals(
        fixturePackage.replace("." + fixtureRegion + ".", "." + FORK_SEGMENT + "."),
        forkedPackage(),
        "the fork and the fixture region differ in more than the region segment: the bite tests say nothing about forks");
  }

  @Test
  void theScriptRegistersTheForkForTheRules() {
    assertTrue(
        dryRun.contains(
            "architecture-tests/pom.xml: fulfillment-service-"
                + FORK_REGION
                + " as a test dependency"),
        dryRun);
  }

  private static String forkedPackage() {
    Matcher line = PACKAGE_LINE.matcher(dryRun);
    assertTrue(line.find(), "no 'package <old> -> <new>' line in the dry run:\n" + dryRun);
    return line.group(2);
  }

  /** [region, service] of the fixture region's package. */
  private static List<String> fixtureGroups() {
    return PackageMatcher.of(ArchitectureTest.REGION_SLICES)
        .match(FixtureShipment.class.getPackageName())
        .map(PackageMatcher.TO_GROUPS)
        .orElseThrow(() -> new AssertionError("the fixture region is not a region slice"));
  }

  private static boolean onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
  }
}
