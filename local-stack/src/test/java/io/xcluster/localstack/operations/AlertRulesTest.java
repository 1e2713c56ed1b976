package io.xcluster.localstack.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.xcluster.testkit.tools.ToolBinary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alerts, the dashboard and docs/operations.md are one piece: promtool accepts the rules and
 * the example scrape configuration, every alert fires on its synthetic trouble and stays quiet on
 * healthy series, every alert says how bad it is, what happened and which runbook to open, and
 * every metric the alerts and the dashboard read is documented — so none of them can drift from the
 * others.
 */
class AlertRulesTest {

  private static final String RULES = "deploy/prometheus/xcluster-alerts.yml";
  private static final String RULE_TESTS = "deploy/prometheus/xcluster-alerts.test.yml";
  private static final String SCRAPE_CONFIG = "deploy/prometheus/prometheus.yml";
  private static final String DASHBOARD = "deploy/grafana/xcluster-dashboard.json";
  private static final String OPERATIONS_DOC = "docs/operations.md";

  /** A metric name of ours, the Temporal SDK's or the JVM's, not part of a longer identifier. */
  private static final Pattern METRIC =
      Pattern.compile("(?<![A-Za-z0-9_])(xcluster|temporal|jvm|process)_[a-z_]+");

  private static final Pattern ALERT = Pattern.compile("(?m)^\\s*- alert:\\s*(\\S+)\\s*$");
  private static final Pattern GROUP_OR_ALERT = Pattern.compile("(?m)^\\s*- (alert|name):");
  private static final Pattern ALERT_TEST =
      Pattern.compile("(?m)^\\s*alertname:\\s*(\\S+)\\s*\\n\\s*exp_alerts:(.*)$");
  private static final Pattern RUNBOOK = Pattern.compile("(?m)^\\s*runbook:\\s*(.+)$");
  private static final Pattern RUNBOOK_FILE =
      Pattern.compile("([A-Za-z0-9_-]+\\.md)(#[a-z0-9-]+)?");

  private static final Duration PROMTOOL_TIMEOUT = Duration.ofMinutes(1);

  private static Path repository;

  @BeforeAll
  static void findRepository() {
    // surefire runs in the module directory; the repository is its parent
    Path moduleDir = Path.of("").toAbsolutePath();
    repository = Files.isRegularFile(moduleDir.resolve(RULES)) ? moduleDir : moduleDir.getParent();
    assertTrue(
        Files.isRegularFile(repository.resolve(RULES)),
        "no " + RULES + " above " + moduleDir + ": run from the repository or a module");
  }

  @Test
  void promtoolAcceptsTheAlertRules() throws Exception {
    assertPromtoolSucceeds("check", "rules", RULES);
  }

  @Test
  void promtoolAcceptsTheExampleScrapeConfigAndTheRulesItLoads() throws Exception {
    assertPromtoolSucceeds("check", "config", SCRAPE_CONFIG);
  }

  @Test
  void everyAlertFiresOnItsSyntheticSeriesAndStaysQuietOnHealthyOnes() throws Exception {
    assertPromtoolSucceeds("test", "rules", RULE_TESTS);
  }

  @Test
  void everyAlertHasAUnitTestWhereItFiresAndOneWhereItStaysQuiet() throws IOException {
    Map<String, Set<String>> expectations = new LinkedHashMap<>();
    Matcher test = ALERT_TEST.matcher(read(RULE_TESTS));
    while (test.find()) {
      expectations
          .computeIfAbsent(test.group(1), name -> new TreeSet<>())
          .add(test.group(2).strip().equals("[]") ? "quiet" : "fires");
    }
    for (String alert : alerts().keySet()) {
      assertEquals(
          Set.of("fires", "quiet"),
          expectations.getOrDefault(alert, Set.of()),
          alert
              + " needs an evaluation in "
              + RULE_TESTS
              + " where it fires and one where it does not");
    }
  }

  @Test
  void everyAlertCarriesASeveritySummaryDescriptionAndAnExistingRunbook() throws IOException {
    Map<String, String> alerts = alerts();
    assertFalse(alerts.isEmpty(), "no alert in " + RULES);
    for (Map.Entry<String, String> alert : alerts.entrySet()) {
      String rule = alert.getValue();
      for (String field : List.of("severity:", "summary:", "description:", "runbook:")) {
        assertTrue(rule.contains(field), alert.getKey() + " has no " + field + "\n" + rule);
      }
      Matcher runbook = RUNBOOK.matcher(rule);
      assertTrue(runbook.find(), alert.getKey() + ": no runbook annotation");
      for (Path target : runbookTargets(runbook.group(1))) {
        assertTrue(
            target.startsWith(repository.resolve("docs/runbooks")),
            alert.getKey() + ": runbook outside docs/runbooks: " + target);
      }
    }
  }

  @Test
  void everyMetricAndAlertTheRulesAndTheDashboardUseIsDocumented() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(read(DASHBOARD));
    Set<String> templateVariables = new TreeSet<>();
    dashboard
        .path("templating")
        .path("list")
        .forEach(v -> templateVariables.add(v.path("name").asText()));
    assertTrue(
        templateVariables.containsAll(Set.of("datasource", "destination")),
        "the dashboard's variables: " + templateVariables);

    Map<String, Set<String>> usedBy = new LinkedHashMap<>();
    metricsIn(rulesWithoutComments())
        .forEach(m -> usedBy.computeIfAbsent(m, k -> new TreeSet<>()).add(RULES));
    List<String> dashboardTexts = new ArrayList<>();
    collectTexts(dashboard, dashboardTexts);
    dashboardTexts.forEach(
        text ->
            metricsIn(text)
                .forEach(m -> usedBy.computeIfAbsent(m, k -> new TreeSet<>()).add(DASHBOARD)));
    assertTrue(
        usedBy
            .keySet()
            .containsAll(Set.of("xcluster_calls_started_total", "temporal_long_request_total")),
        "the metric names were not found, so nothing would be checked: " + usedBy.keySet());

    String operations = read(OPERATIONS_DOC);
    Map<String, Set<String>> undocumented =
        usedBy.entrySet().stream()
            .filter(used -> !mentions(operations, used.getKey()))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertEquals(Map.of(), undocumented, "metrics used but not documented in " + OPERATIONS_DOC);

    List<String> alertsNotDocumented =
        alerts().keySet().stream().filter(alert -> !mentions(operations, alert)).toList();
    assertEquals(List.of(), alertsNotDocumented, "alerts missing from " + OPERATIONS_DOC);
  }

  private void assertPromtoolSucceeds(String... arguments) throws Exception {
    assumeTrue(ToolBinary.PROMTOOL.availableForTests(), ToolBinary.PROMTOOL.skipReason());
    List<String> command = new ArrayList<>();
    command.add(ToolBinary.PROMTOOL.require().toString());
    command.addAll(List.of(arguments));
    // to a file, not a pipe: a promtool that hangs is stopped at the timeout, not read forever
    Path output = Files.createTempFile("promtool-", ".out");
    try {
      Process promtool =
          new ProcessBuilder(command)
              .directory(repository.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      promtool.getOutputStream().close();
      boolean finished = promtool.waitFor(PROMTOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (!finished) {
        promtool.destroyForcibly().waitFor();
      }
      String said = Files.readString(output, StandardCharsets.UTF_8);
      assertTrue(
          finished,
          String.join(" ", command) + " did not finish within " + PROMTOOL_TIMEOUT + ":\n" + said);
      assertEquals(
          0,
          promtool.exitValue(),
          "promtool " + String.join(" ", arguments) + " (in " + repository + ") said:\n" + said);
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** Every alert of the rules file, by name, with the text of its rule. */
  private static Map<String, String> alerts() throws IOException {
    String rules = read(RULES);
    Map<String, String> alerts = new LinkedHashMap<>();
    Matcher alert = ALERT.matcher(rules);
    while (alert.find()) {
      Matcher next = GROUP_OR_ALERT.matcher(rules);
      int end = next.find(alert.end()) ? next.start() : rules.length();
      alerts.put(alert.group(1), rules.substring(alert.start(), end));
    }
    return alerts;
  }

  /**
   * The runbook files an annotation names, checked to exist with their anchors. A templated
   * annotation ({@code docs/runbooks/{{ if … }}a.md{{ else }}b.md{{ end }}}) names each file it can
   * expand to, relative to its fixed prefix.
   */
  private static List<Path> runbookTargets(String annotation) throws IOException {
    String value = annotation.strip().replaceAll("^['\"]|['\"]$", "");
    int template = value.indexOf("{{");
    String prefix =
        template < 0
            ? value.substring(0, value.lastIndexOf('/') + 1)
            : value.substring(0, template);
    List<Path> targets = new ArrayList<>();
    Matcher file = RUNBOOK_FILE.matcher(template < 0 ? value.substring(prefix.length()) : value);
    while (file.find()) {
      Path target = repository.resolve(prefix + file.group(1)).normalize();
      assertTrue(Files.isRegularFile(target), "runbook " + annotation + ": no file " + target);
      if (file.group(2) != null) {
        String anchor = file.group(2).substring(1);
        Set<String> anchors = headingAnchors(Files.readString(target));
        assertTrue(
            anchors.contains(anchor),
            "runbook " + annotation + ": no heading #" + anchor + " in " + anchors);
      }
      targets.add(target);
    }
    assertFalse(targets.isEmpty(), "runbook annotation names no file: " + annotation);
    return targets;
  }

  /** The anchors GitHub gives a Markdown file's headings. */
  private static Set<String> headingAnchors(String markdown) {
    return markdown
        .lines()
        .filter(line -> line.startsWith("#"))
        .map(line -> line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT))
        .map(heading -> heading.replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The rules file without its comments: names in a comment (a planned metric) are not in use. */
  private static String rulesWithoutComments() throws IOException {
    return read(RULES)
        .lines()
        .filter(line -> !line.strip().startsWith("#"))
        .collect(Collectors.joining("\n"));
  }

  private static Set<String> metricsIn(String text) {
    Set<String> names = new TreeSet<>();
    Matcher metric = METRIC.matcher(text);
    while (metric.find()) {
      names.add(metric.group());
    }
    return names;
  }

  /** Every string in the dashboard: queries, variable definitions, panel descriptions. */
  private static void collectTexts(JsonNode node, List<String> texts) {
    if (node.isTextual()) {
      texts.add(node.asText());
    }
    node.forEach(child -> collectTexts(child, texts));
  }

  private static boolean mentions(String document, String name) {
    return Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(name) + "(?![A-Za-z0-9_])")
        .matcher(document)
        .find();
  }

  private static String read(String relativePath) throws IOException {
    return Files.readString(repository.resolve(relativePath));
  }
}
