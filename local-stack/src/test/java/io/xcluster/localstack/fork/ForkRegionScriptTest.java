package io.xcluster.localstack.fork;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Forking a region is a procedure, not a page of advice: {@code scripts/fork-region.sh ap-south},
 * run on a copy of this repository, makes a module that builds offline and passes its own tests.
 * The copy holds only what the region module needs (its {@code io.xcluster} dependencies, found in
 * the poms), so the test keeps working as modules are added.
 */
class ForkRegionScriptTest {

  private static final String SOURCE_MODULE = "fulfillment-service-eu-west";
  private static final String REGION = "ap-south";
  private static final String FORKED_MODULE = "fulfillment-service-ap-south";
  private static final String SOURCE_PACKAGE = "io.xcluster.region.euwest.fulfillment";
  private static final String FORKED_PACKAGE = "io.xcluster.region.apsouth.fulfillment";

  /**
   * Copied without its module: the script registers the fork there; the copy's build leaves it out.
   */
  private static final String ARCHITECTURE_TESTS_POM = "architecture-tests/pom.xml";

  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(1);
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(12);

  private static Path repository;

  @BeforeAll
  static void findRepositoryAndBash() {
    // surefire runs in the module directory; the repository is its parent
    Path moduleDir = Path.of("").toAbsolutePath();
    repository =
        Files.isRegularFile(moduleDir.resolve("scripts/fork-region.sh"))
            ? moduleDir
            : moduleDir.getParent();
    assertTrue(
        Files.isRegularFile(repository.resolve("scripts/fork-region.sh"))
            && Files.isRegularFile(repository.resolve("pom.xml")),
        "no scripts/fork-region.sh and pom.xml in "
            + repository
            + " (the test runs from the local-stack module directory)");
    assumeTrue(
        canRun("bash", "-c", "true") && canRun("perl", "-e", "1"),
        "bash and perl are needed to run scripts/fork-region.sh");
  }

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void forkedRegionBuildsOfflineAndPassesItsOwnTests(@TempDir Path temp) throws Exception {
    Path copy = temp.resolve("repo");
    Set<String> modules = copyBuildInputs(copy, SOURCE_MODULE);
    progress(
        "copied root pom, mvnw, .mvn/, scripts/, docs/ and modules " + modules + " to " + copy);

    // from a directory outside the copy: the script finds the repository from its own place
    Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
    Run fork =
        run(
            List.of("bash", copy.resolve("scripts/fork-region.sh").toString(), REGION),
            elsewhere,
            temp.resolve("fork.log"),
            SCRIPT_TIMEOUT);
    progress("fork-region.sh " + REGION + " (exit " + fork.exitCode + ") said:\n" + fork.output);
    assertEquals(0, fork.exitCode, fork.output);

    Path forked = copy.resolve(FORKED_MODULE);
    assertTrue(Files.isRegularFile(forked.resolve("pom.xml")), "no " + FORKED_MODULE + "/pom.xml");
    assertEquals(FORKED_MODULE, projectArtifactId(forked.resolve("pom.xml")));
    String rootPom = Files.readString(copy.resolve("pom.xml"));
    assertTrue(
        rootPom.indexOf("<module>" + FORKED_MODULE + "</module>")
            > rootPom.indexOf("<module>" + SOURCE_MODULE + "</module>"),
        "the root pom registers " + FORKED_MODULE + " after " + SOURCE_MODULE + ":\n" + rootPom);

    assertFalse(
        Files.exists(forked.resolve("src/main/java/" + path(SOURCE_PACKAGE))),
        "old package directory left in src/main/java");
    assertFalse(
        Files.exists(forked.resolve("src/test/java/" + path(SOURCE_PACKAGE))),
        "old package directory left in src/test/java");
    assertTrue(
        Files.isDirectory(forked.resolve("src/main/java/" + path(FORKED_PACKAGE))),
        "no " + FORKED_PACKAGE + " in src/main/java");
    List<String> oldNames =
        linesMatching(
            forked, Pattern.compile("(?<![\\w.])" + Pattern.quote(SOURCE_PACKAGE) + "(?!\\w)"));
    assertEquals(List.of(), oldNames, "the old package is still named in the fork");
    assertEquals(
        Set.of("fulfillment-" + REGION),
        taskQueueConstants(forked),
        "the TASK_QUEUE constant of the fork");
    List<String> oldRegion =
        linesMatching(forked, Pattern.compile("(?<![A-Za-z0-9])eu-west(?![A-Za-z0-9])"));
    assertEquals(List.of(), oldRegion, "the fork still names eu-west");
    assertTrue(
        linesMatching(
                    copy.resolve(SOURCE_MODULE),
                    Pattern.compile("^package " + Pattern.quote(SOURCE_PACKAGE) + "[.;]"))
                .size()
            > 0,
        "the source module is left as it was");
    assertTrue(
        isTestDependency(copy.resolve(ARCHITECTURE_TESTS_POM), FORKED_MODULE),
        "the fork is not a test dependency of architecture-tests, so the ArchUnit rules would not see it:\n"
            + Files.readString(copy.resolve(ARCHITECTURE_TESTS_POM)));

    // only the fork's tests run; the modules it needs are compiled and packaged, their tests
    // skipped by the pattern
    List<String> build =
        new ArrayList<>(
            List.of(
                "./mvnw",
                "-o",
                "-B",
                "-q",
                "-pl",
                FORKED_MODULE,
                "-am",
                "verify",
                "-Dtest=" + path(FORKED_PACKAGE) + "/**",
                "-Dsurefire.failIfNoSpecifiedTests=false"));
    String repoLocal = System.getProperty("maven.repo.local");
    if (repoLocal != null && !repoLocal.isBlank()) {
      build.add("-Dmaven.repo.local=" + repoLocal);
    }
    Path buildLog = temp.resolve("build.log");
    progress("building the copy: " + String.join(" ", build) + " (log " + buildLog + ")");
    long started = System.nanoTime();
    Run built = run(build, copy, buildLog, BUILD_TIMEOUT);
    progress(
        "build exit "
            + built.exitCode
            + " after "
            + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)
            + " s");
    assertEquals(
        0,
        built.exitCode,
        "the forked module's build failed; its log ends:\n" + tail(built.output, 80));

    Map<String, int[]> reports = surefireReports(forked.resolve("target/surefire-reports"));
    progress(
        "surefire reports of "
            + FORKED_MODULE
            + " (tests, failures, errors, skipped): "
            + describe(reports));
    Set<String> expected = forkedTestClasses(copy.resolve(SOURCE_MODULE));
    assertTrue(
        reports.keySet().containsAll(expected),
        "expected reports for " + expected + ", found " + reports.keySet());
    int tests = reports.values().stream().mapToInt(r -> r[0]).sum();
    int failures = reports.values().stream().mapToInt(r -> r[1] + r[2]).sum();
    assertTrue(tests > 0, "the fork ran no tests");
    assertEquals(0, failures, "failures or errors in the fork's tests: " + describe(reports));
    assertJarsNamedForTheFork(forked.resolve("target"));
    for (String module : modules) {
      assertFalse(
          Files.isDirectory(copy.resolve(module).resolve("target/surefire-reports")),
          module + " ran its tests: the build should run the fork's tests only");
    }
  }

  @Test
  void refusesATargetModuleThatAlreadyExists(@TempDir Path temp) throws Exception {
    Path copy = smallCopy(temp);
    Files.createDirectories(copy.resolve(FORKED_MODULE).resolve("src"));
    String rootPom = Files.readString(copy.resolve("pom.xml"));

    Run run = runScript(copy, temp, REGION);

    assertRefusal(
        run,
        1,
        "fork-region: "
            + FORKED_MODULE
            + " already exists in "
            + copy.toRealPath()
            + ": choose another region, or remove it first");
    assertEquals(rootPom, Files.readString(copy.resolve("pom.xml")), "the root pom is untouched");
    assertTrue(
        Files.isDirectory(copy.resolve(FORKED_MODULE).resolve("src")),
        "the existing module is untouched");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"Ap-South", "ap_south", "9ap", "ap--south", "ap-south-", "apSouth", "ap south"})
  void refusesARegionNameThatIsNotLowercaseWithSingleDashes(String region, @TempDir Path temp)
      throws Exception {
    Path copy = smallCopy(temp);

    Run run = runScript(copy, temp, region);

    assertRefusal(
        run,
        2,
        "fork-region: region name '"
            + region
            + "' is not valid: use lowercase letters, digits and single dashes, starting with a letter (e.g. ap-south)");
    assertEquals(Set.of("pom.xml", "scripts", SOURCE_MODULE), listing(copy), "nothing was created");
  }

  @Test
  void refusesToRunOutsideTheRepository(@TempDir Path temp) throws Exception {
    Path lonely = Files.createDirectories(temp.resolve("lonely/scripts"));
    Files.copy(repository.resolve("scripts/fork-region.sh"), lonely.resolve("fork-region.sh"));

    Run run =
        run(
            List.of("bash", lonely.resolve("fork-region.sh").toString(), REGION),
            temp,
            temp.resolve("out.log"),
            SCRIPT_TIMEOUT);

    assertRefusal(
        run,
        1,
        "fork-region: not inside the repository: "
            + lonely.getParent().toRealPath()
            + " has no root pom.xml with <modules> (run the script from its place in a checkout's scripts/)");
  }

  @Test
  void dryRunSaysWhatItWouldDoAndWritesNothing(@TempDir Path temp) throws Exception {
    Path copy = smallCopy(temp);
    Files.createDirectories(copy.resolve(ARCHITECTURE_TESTS_POM).getParent());
    Files.copy(repository.resolve(ARCHITECTURE_TESTS_POM), copy.resolve(ARCHITECTURE_TESTS_POM));
    String rootPom = Files.readString(copy.resolve("pom.xml"));
    String architectureTestsPom = Files.readString(copy.resolve(ARCHITECTURE_TESTS_POM));

    Run run = runScript(copy, temp, "--dry-run", REGION);

    assertEquals(0, run.exitCode, run.output);
    assertTrue(
        run.output.contains("would fork " + SOURCE_MODULE + " -> " + FORKED_MODULE), run.output);
    assertTrue(run.output.contains(SOURCE_PACKAGE + " -> " + FORKED_PACKAGE), run.output);
    assertTrue(
        run.output.contains("\"fulfillment\" -> \"fulfillment-" + REGION + "\""), run.output);
    assertFalse(Files.exists(copy.resolve(FORKED_MODULE)), "a dry run created the module");
    assertEquals(
        rootPom, Files.readString(copy.resolve("pom.xml")), "a dry run changed the root pom");
    assertTrue(
        run.output.contains(
            ARCHITECTURE_TESTS_POM + ": " + FORKED_MODULE + " as a test dependency"),
        run.output);
    assertEquals(
        architectureTestsPom,
        Files.readString(copy.resolve(ARCHITECTURE_TESTS_POM)),
        "a dry run changed architecture-tests' pom");
  }

  @Test
  void helpNamesEveryOption(@TempDir Path temp) throws Exception {
    Run run =
        run(
            List.of("bash", repository.resolve("scripts/fork-region.sh").toString(), "--help"),
            temp,
            temp.resolve("out.log"),
            SCRIPT_TIMEOUT);

    assertEquals(0, run.exitCode, run.output);
    for (String option : List.of("--from", "--package", "--dry-run", "<region>")) {
      assertTrue(
          run.output.contains(option), "--help does not mention " + option + ":\n" + run.output);
    }
  }

  // ------------------------------------------------------------------ the copy of the repository

  /**
   * Root pom (its modules trimmed to the copied ones), mvnw, .mvn/, scripts/, docs/ (a region's
   * tests check docs/activity-timeouts.md against its code), the modules {@code module} needs, and
   * architecture-tests' pom alone.
   */
  private static Set<String> copyBuildInputs(Path copy, String module) throws IOException {
    Set<String> modules = moduleClosure(module);
    Files.createDirectories(copy);
    Files.copy(
        repository.resolve("mvnw"), copy.resolve("mvnw"), StandardCopyOption.COPY_ATTRIBUTES);
    copyTree(repository.resolve(".mvn"), copy.resolve(".mvn"));
    copyTree(repository.resolve("scripts"), copy.resolve("scripts"));
    copyTree(repository.resolve("docs"), copy.resolve("docs"));
    Files.createDirectories(copy.resolve(ARCHITECTURE_TESTS_POM).getParent());
    Files.copy(repository.resolve(ARCHITECTURE_TESTS_POM), copy.resolve(ARCHITECTURE_TESTS_POM));
    for (String m : modules) {
      copyTree(repository.resolve(m), copy.resolve(m));
    }
    Files.writeString(
        copy.resolve("pom.xml"),
        trimModules(Files.readString(repository.resolve("pom.xml")), modules));
    return modules;
  }

  /** Enough for the refusals: the root pom, the script and the source module. */
  private static Path smallCopy(Path temp) throws IOException {
    Path copy = temp.resolve("repo");
    Files.createDirectories(copy);
    copyTree(repository.resolve("scripts"), copy.resolve("scripts"));
    copyTree(repository.resolve(SOURCE_MODULE), copy.resolve(SOURCE_MODULE));
    Files.writeString(
        copy.resolve("pom.xml"),
        trimModules(Files.readString(repository.resolve("pom.xml")), Set.of(SOURCE_MODULE)));
    return copy;
  }

  /**
   * {@code module} and every module of the reactor it depends on, directly or not, in reactor
   * order.
   */
  private static Set<String> moduleClosure(String module) {
    Document root = xml(repository.resolve("pom.xml"));
    String groupId = child(root.getDocumentElement(), "groupId");
    Map<String, String> moduleByArtifact = new LinkedHashMap<>();
    NodeList declared = root.getElementsByTagName("module");
    for (int i = 0; i < declared.getLength(); i++) {
      String dir = declared.item(i).getTextContent().trim();
      if (Files.isRegularFile(repository.resolve(dir).resolve("pom.xml"))) {
        moduleByArtifact.put(projectArtifactId(repository.resolve(dir).resolve("pom.xml")), dir);
      }
    }
    Set<String> needed = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(module));
    while (!todo.isEmpty()) {
      String dir = todo.pop();
      if (!needed.add(dir)) {
        continue;
      }
      NodeList dependencies =
          xml(repository.resolve(dir).resolve("pom.xml")).getElementsByTagName("dependency");
      for (int i = 0; i < dependencies.getLength(); i++) {
        Element dependency = (Element) dependencies.item(i);
        String group = child(dependency, "groupId");
        String dependencyModule = moduleByArtifact.get(child(dependency, "artifactId"));
        if ((groupId.equals(group) || "${project.groupId}".equals(group))
            && dependencyModule != null) {
          todo.push(dependencyModule);
        }
      }
    }
    Set<String> inReactorOrder = new LinkedHashSet<>(moduleByArtifact.values());
    inReactorOrder.retainAll(needed);
    return inReactorOrder;
  }

  private static String trimModules(String pom, Set<String> keep) {
    Matcher module =
        Pattern.compile("(?m)^[ \\t]*<module>([^<]+)</module>[ \\t]*\\R|<module>([^<]+)</module>")
            .matcher(pom);
    StringBuilder trimmed = new StringBuilder();
    while (module.find()) {
      String name = (module.group(1) != null ? module.group(1) : module.group(2)).trim();
      module.appendReplacement(
          trimmed, keep.contains(name) ? Matcher.quoteReplacement(module.group()) : "");
    }
    module.appendTail(trimmed);
    return trimmed.toString();
  }

  /** Copies a directory without its build output ({@code target/} beside a pom.xml). */
  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            if (dir.getFileName().toString().equals("target")
                && Files.isRegularFile(dir.resolveSibling("pom.xml"))) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            Files.createDirectories(to.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.copy(
                file,
                to.resolve(from.relativize(file).toString()),
                StandardCopyOption.COPY_ATTRIBUTES);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  // ------------------------------------------------------------------ what the fork contains

  private static List<String> linesMatching(Path module, Pattern pattern) throws IOException {
    List<String> hits = new ArrayList<>();
    try (Stream<Path> files = Files.walk(module)) {
      for (Path file :
          files
              .filter(Files::isRegularFile)
              .filter(f -> !f.startsWith(module.resolve("target")))
              .sorted()
              .toList()) {
        String relative = module.relativize(file).toString();
        if (relative.contains("histories/") || !isText(file)) {
          continue;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
          if (pattern.matcher(lines.get(i)).find()) {
            hits.add(relative + ":" + (i + 1) + ": " + lines.get(i).strip());
          }
        }
      }
    }
    return hits;
  }

  private static Set<String> taskQueueConstants(Path module) throws IOException {
    Pattern constant = Pattern.compile("TASK_QUEUE\\s*=\\s*\"([^\"]*)\"");
    Set<String> queues = new TreeSet<>();
    try (Stream<Path> files = Files.walk(module.resolve("src/main/java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher m = constant.matcher(Files.readString(file));
        while (m.find()) {
          queues.add(m.group(1));
        }
      }
    }
    return queues;
  }

  /** The fork's names of the source module's test classes (surefire's default *Test naming). */
  private static Set<String> forkedTestClasses(Path sourceModule) throws IOException {
    Path tests = sourceModule.resolve("src/test/java");
    Set<String> names = new TreeSet<>();
    if (!Files.isDirectory(tests)) {
      return names;
    }
    try (Stream<Path> files = Files.walk(tests)) {
      files
          .filter(f -> f.getFileName().toString().matches(".*Tests?\\.java|Test.*\\.java"))
          .map(f -> tests.relativize(f).toString().replace('/', '.').replaceAll("\\.java$", ""))
          .filter(name -> name.startsWith(SOURCE_PACKAGE + "."))
          .forEach(name -> names.add(FORKED_PACKAGE + name.substring(SOURCE_PACKAGE.length())));
    }
    return names;
  }

  /** The jars are named after the fork, and a runnable one starts a class of the fork's package. */
  private static void assertJarsNamedForTheFork(Path target) throws IOException {
    List<Path> jars;
    try (Stream<Path> files = Files.list(target)) {
      jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
    }
    progress(
        "jars of "
            + FORKED_MODULE
            + ": "
            + jars.stream().map(j -> j.getFileName().toString()).toList());
    assertFalse(jars.isEmpty(), "no jar in " + target);
    for (Path jar : jars) {
      assertTrue(
          jar.getFileName().toString().startsWith(FORKED_MODULE),
          "jar not named for the fork: " + jar.getFileName());
      try (JarFile file = new JarFile(jar.toFile())) {
        Manifest manifest = file.getManifest();
        String mainClass =
            manifest == null ? null : manifest.getMainAttributes().getValue("Main-Class");
        if (mainClass != null) {
          assertTrue(
              mainClass.startsWith(FORKED_PACKAGE + "."),
              jar.getFileName() + " starts " + mainClass);
        }
      }
    }
  }

  /** Test class → {tests, failures, errors, skipped}, from surefire's XML reports. */
  private static Map<String, int[]> surefireReports(Path dir) throws IOException {
    assertTrue(Files.isDirectory(dir), "no surefire reports in " + dir);
    Map<String, int[]> reports = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file :
          files
              .filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml"))
              .sorted()
              .toList()) {
        Element suite = xml(file).getDocumentElement();
        reports.put(
            suite.getAttribute("name"),
            new int[] {
              Integer.parseInt(suite.getAttribute("tests")),
                  Integer.parseInt(suite.getAttribute("failures")),
              Integer.parseInt(suite.getAttribute("errors")),
                  Integer.parseInt(suite.getAttribute("skipped"))
            });
      }
    }
    return reports;
  }

  private static String describe(Map<String, int[]> reports) {
    StringBuilder out = new StringBuilder();
    reports.forEach(
        (name, r) ->
            out.append("\n  ")
                .append(name)
                .append(": ")
                .append(r[0])
                .append(", ")
                .append(r[1])
                .append(", ")
                .append(r[2])
                .append(", ")
                .append(r[3]));
    return out.length() == 0 ? "none" : out.toString();
  }

  // ------------------------------------------------------------------ processes

  private record Run(int exitCode, String output, List<String> errorLines) {}

  private static Run runScript(Path copy, Path temp, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("bash", copy.resolve("scripts/fork-region.sh").toString()));
    command.addAll(List.of(args));
    return run(command, temp, temp.resolve("out.log"), SCRIPT_TIMEOUT);
  }

  /**
   * Runs a command with stdout and stderr to files; kills it and its children after {@code
   * timeout}.
   */
  private static Run run(List<String> command, Path dir, Path log, Duration timeout)
      throws IOException, InterruptedException {
    Path errors = log.resolveSibling(log.getFileName() + ".stderr");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(log.toFile())
            .redirectError(errors.toFile());
    // the outer Maven's own variables must not point the nested build at this repository
    builder.environment().remove("MAVEN_PROJECTBASEDIR");
    builder.environment().remove("MAVEN_CMD_LINE_ARGS");
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = builder.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        fail(
            String.join(" ", command)
                + " did not finish within "
                + timeout
                + "; its output ends:\n"
                + tail(Files.readString(log), 60));
      }
    } finally {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    List<String> errorLines = Files.readAllLines(errors);
    String output =
        Files.readString(log) + (errorLines.isEmpty() ? "" : String.join("\n", errorLines) + "\n");
    return new Run(process.exitValue(), output, errorLines);
  }

  private static void assertRefusal(Run run, int exitCode, String line) {
    assertEquals(exitCode, run.exitCode, run.output);
    assertEquals(List.of(line), run.errorLines, "one line on stderr");
    assertEquals(String.join("\n", run.errorLines) + "\n", run.output, "nothing on stdout");
  }

  private static boolean canRun(String... command) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  // ------------------------------------------------------------------ small helpers

  private static Document xml(Path file) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return factory.newDocumentBuilder().parse(file.toFile());
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The text of {@code element}'s direct child {@code name}, or null. */
  private static String child(Element element, String name) {
    for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e.getTextContent().trim();
      }
    }
    return null;
  }

  /** Whether {@code pom} has a test-scoped dependency on {@code artifactId}. */
  private static boolean isTestDependency(Path pom, String artifactId) {
    NodeList dependencies = xml(pom).getElementsByTagName("dependency");
    for (int i = 0; i < dependencies.getLength(); i++) {
      Element dependency = (Element) dependencies.item(i);
      if (artifactId.equals(child(dependency, "artifactId"))
          && "test".equals(child(dependency, "scope"))) {
        return true;
      }
    }
    return false;
  }

  private static String projectArtifactId(Path pom) {
    return child(xml(pom).getDocumentElement(), "artifactId");
  }

  private static Set<String> listing(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return new TreeSet<>(entries.map(p -> p.getFileName().toString()).toList());
    }
  }

  private static boolean isText(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      for (byte b : bytes) {
        if (b == 0) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String path(String javaPackage) {
    return javaPackage.replace('.', '/');
  }

  private static String tail(String text, int lines) {
    String[] all = text.split("\n");
    return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
  }

  private static void progress(String message) {
    System.out.println("[ForkRegionScriptTest] " + message);
  }
}
