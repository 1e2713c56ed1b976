package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Settings the coordinator refuses stop start-up in one line naming the setting. */
class NatsCoordinatorMainTest {

  @Test
  void streamReplicasBeyondJetStreamsLimitStopStartUpNamingTheSetting() {
    Captured run = captureStderr("--stream-replicas", "7", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "nats-coordinator: --stream-replicas / XCLUSTER_NATS_STREAM_REPLICAS='7':"
            + " NATS stream replicas must be 1 to 5 (JetStream's limit), or 0 to keep what each"
            + " stream has, was 7",
        run.stderr().strip());
  }

  @Test
  void aDuplicateWindowLongerThanTheStreamsRetentionStopsStartUpNamingTheSetting() {
    Captured run = captureStderr("--duplicate-window", "31d", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "nats-coordinator: --duplicate-window / XCLUSTER_NATS_DUPLICATE_WINDOW='PT744H':"
            + " NATS duplicate window must be positive and at most the streams' retention"
            + " (PT720H), was PT744H",
        run.stderr().strip());
  }

  @Test
  void streamReplicasThatAreNoNumberStopStartUpNamingTheSetting() {
    Captured run = captureStderr("--stream-replicas", "three", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "nats-coordinator: --stream-replicas / XCLUSTER_NATS_STREAM_REPLICAS='three': not a whole number",
        run.stderr().strip());
  }

  @Test
  void aJetStreamDomainThatIsNoSubjectTokenStopsStartUpNamingTheSetting() {
    Captured run = captureStderr("--jetstream-domain", "eu.west", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "nats-coordinator: --jetstream-domain / XCLUSTER_NATS_JETSTREAM_DOMAIN='eu.west':"
            + " JetStream domain 'eu.west' must be letters, digits, '-' or '_' (one token of a"
            + " subject)",
        run.stderr().strip());
  }

  @Test
  void aNatsUrlWithAPortOutOfRangeStopsStartUpNamingTheNatsUrlSetting() {
    Captured run = captureStderr("--nats-url", "nats://127.0.0.1:99999", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "nats-coordinator: --nats-url / NATS_URL='nats://127.0.0.1:99999': port '99999' of"
            + " nats://127.0.0.1:99999 is not in the range 1-65535",
        run.stderr().strip());
  }

  @Test
  void anEmptyTargetClusterStopsStartUpNamingTheSettingWithoutAStackTrace() {
    Captured run = captureStderr("--side", "target", "--target-cluster", "", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "nats-coordinator: --target-cluster / XCLUSTER_TARGET_CLUSTER='': must not be empty",
        run.stderr().strip());
  }

  @Test
  void aTargetSideCoordinatorWithoutAnAllowListRefusesToStart() {
    Captured run = captureStderr("--side", "target", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "nats-coordinator: --allow-workflow-type / XCLUSTER_ALLOWED_WORKFLOW_TYPES is required for"
            + " --side target (the relay): set it to the workflow types the relay may start,"
            + " comma-separated (e.g. FulfillmentWorkflow), or * for any type (not for"
            + " production)",
        run.stderr().strip());
  }

  @Test
  void bothSidesByDefaultIncludeTheRelaySoTheyNeedAnAllowListToo() {
    Captured run = captureStderr("--http-port", "0");

    assertEquals(2, run.exitCode());
    org.junit.jupiter.api.Assertions.assertTrue(
        run.stderr()
            .startsWith(
                "nats-coordinator: --allow-workflow-type / XCLUSTER_ALLOWED_WORKFLOW_TYPES is"
                    + " required for --side both"),
        run.stderr());
  }

  @Test
  void anEmptyAllowListIsRefusedNotReadAsAnyType() {
    Captured run =
        captureStderr("--side", "target", "--allow-workflow-type", "", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "nats-coordinator: --allow-workflow-type / XCLUSTER_ALLOWED_WORKFLOW_TYPES='': must not be"
            + " empty; give the workflow types the relay may start, comma-separated (e.g."
            + " FulfillmentWorkflow), or * for any type (not for production)",
        run.stderr().strip());
  }

  @Test
  void anEmptyWorkflowTypeInTheAllowListIsRefused() {
    Captured run =
        captureStderr(
            "--side",
            "target",
            "--allow-workflow-type",
            "FulfillmentWorkflow,",
            "--http-port",
            "0");

    assertEquals(2, run.exitCode());
    org.junit.jupiter.api.Assertions.assertTrue(
        run.stderr()
            .startsWith(
                "nats-coordinator: --allow-workflow-type / XCLUSTER_ALLOWED_WORKFLOW_TYPES="
                    + "'FulfillmentWorkflow,': an empty workflow type between commas"),
        run.stderr());
  }

  @Test
  void theWildcardAllowsAnyTypeAndNamesAllowOnlyThemselves() {
    assertEquals(
        Set.of(),
        AllowedWorkflowTypes.parse(List.of(" * ")).applyTo(settings()).allowedWorkflowTypes());
    assertEquals(
        Set.of("FulfillmentWorkflow", "ReturnWorkflow"),
        AllowedWorkflowTypes.parse(List.of("FulfillmentWorkflow, ReturnWorkflow"))
            .applyTo(settings())
            .allowedWorkflowTypes());
    assertEquals(
        Set.of("FulfillmentWorkflow", "ReturnWorkflow"),
        AllowedWorkflowTypes.parse(List.of("FulfillmentWorkflow", "ReturnWorkflow")).types());
  }

  @Test
  void aWildcardBesideNamesOrInsideOneIsRefused() {
    org.junit.jupiter.api.Assertions.assertThrows(
        io.xcluster.runtime.config.ConfigException.class,
        () -> AllowedWorkflowTypes.parse(List.of("*,FulfillmentWorkflow")));
    io.xcluster.runtime.config.ConfigException pattern =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.xcluster.runtime.config.ConfigException.class,
            () -> AllowedWorkflowTypes.parse(List.of("Fulfil*")));
    assertEquals(
        AllowedWorkflowTypes.SETTING
            + "='Fulfil*': 'Fulfil*': * stands alone for any type and is no pattern; name each"
            + " type in full",
        pattern.getMessage());
  }

  @Test
  void aValueThatIsNoSideNamesTheFlagAndItsVariable() {
    Captured run = captureStderr("--side", "east", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "nats-coordinator: --side / XCLUSTER_NATS_SIDE='east': not a side; use calling, target or"
            + " both\nRun 'nats-coordinator --help' for every setting.",
        run.stderr().strip());
  }

  @Test
  void aBreakerThresholdBelowOneNamesTheFlagAndItsVariable() {
    Captured run = captureStderr("--breaker-failures", "0", "--http-port", "0");

    assertEquals(2, run.exitCode());
    assertEquals(
        "nats-coordinator: --breaker-failures / XCLUSTER_BREAKER_FAILURES='0': must be at least 1",
        run.stderr().strip());
  }

  /** A calling side on a leaf node reaches the streams only through its domain's API subjects. */
  @Test
  void printedPermissionsInAnotherJetStreamDomainNameThatDomainsApiAndItsBucketWrites() {
    Captured run =
        captureStdout(
            "--print-nats-permissions",
            "--side",
            "calling",
            "--jetstream-domain",
            "eu-west",
            "--http-port",
            "0");

    String printed = run.output();
    assertEquals(0, run.exitCode());
    org.junit.jupiter.api.Assertions.assertFalse(printed.contains("\"$JS.API."), printed);
    org.junit.jupiter.api.Assertions.assertTrue(
        printed.contains("\"$JS.eu-west.API.CONSUMER.MSG.NEXT.XCLUSTER_RESULTS.us-east-outcomes\""),
        printed);
    org.junit.jupiter.api.Assertions.assertTrue(
        printed.contains("\"$JS.eu-west.API.$KV.XCLUSTER_CANCELED_CALLS.>\""), printed);
    org.junit.jupiter.api.Assertions.assertTrue(
        printed.contains("\"$JS.ACK.XCLUSTER_RESULTS.us-east-outcomes.>\""), printed);
  }

  @Test
  void printedPermissionsLetTheCallingSidePublishCallsButNoOutcome() {
    Captured run =
        captureStdout("--print-nats-permissions", "--side", "calling", "--http-port", "0");

    String printed = run.output();
    assertEquals(0, run.exitCode());
    assertEquals(1, printed.strip().lines().count(), printed);
    org.junit.jupiter.api.Assertions.assertTrue(
        printed.startsWith("{user: \"us-east-calling\", password: $CALLING_PASSWORD,"), printed);
    org.junit.jupiter.api.Assertions.assertTrue(
        printed.contains("\"xcluster.calls.eu-west\""), printed);
    org.junit.jupiter.api.Assertions.assertFalse(printed.contains("xcluster.results."), printed);
    org.junit.jupiter.api.Assertions.assertTrue(
        printed.endsWith("subscribe: {allow: [\"_INBOX_us-east-calling.>\"]}}}\n"), printed);
  }

  @Test
  void withProvisionedStreamsThePrintedSidesMayNotChangeAStreamAndTheAdminMayOnlyThat() {
    Captured run =
        captureStdout("--print-nats-permissions", "--provisioned-streams", "--http-port", "0");

    List<String> users = run.output().strip().lines().toList();
    assertEquals(0, run.exitCode());
    assertEquals(3, users.size(), users.toString());
    String admin = users.get(0);
    org.junit.jupiter.api.Assertions.assertTrue(
        admin.startsWith("{user: \"xcluster-admin\"")
            && admin.contains("\"$JS.API.STREAM.UPDATE.XCLUSTER_RESULTS\"")
            && !admin.contains("\"xcluster.calls.eu-west\""),
        admin);
    for (String side : users.subList(1, 3)) {
      org.junit.jupiter.api.Assertions.assertTrue(
          side.contains("\"$JS.API.STREAM.INFO.XCLUSTER_CALLS\"")
              && !side.contains("STREAM.CREATE")
              && !side.contains("STREAM.UPDATE"),
          side);
    }
  }

  @Test
  void provisioningABrokerThatIsNotThereFailsWithOneLineNamingIt() {
    Captured run =
        captureStderr(
            "--provision-streams", "--nats-url", "nats://127.0.0.1:1", "--http-port", "0");

    assertEquals(1, run.exitCode());
    org.junit.jupiter.api.Assertions.assertTrue(
        run.stderr().contains("cannot provision the streams on nats://127.0.0.1:1"), run.stderr());
  }

  @Test
  void aServerErrorIsLoggedOncePerDistinctMessage() {
    NatsServerErrors errors = new NatsServerErrors();

    errors.errorOccurred(null, "Permissions Violation for Publish to \"xcluster.results.us-east\"");
    errors.errorOccurred(null, "Permissions Violation for Publish to \"xcluster.results.us-east\"");
    errors.errorOccurred(null, "Permissions Violation for Publish to \"xcluster.calls.eu-west\"");

    assertEquals(2, errors.logged());
  }

  /** configuration.md is the reference for every setting: each flag has its row there. */
  @Test
  void everyFlagHasARowInTheConfigurationReference() throws Exception {
    String doc =
        java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "configuration.md"));
    int start = doc.indexOf("### nats-coordinator");
    List<String> rows =
        doc.substring(start, doc.indexOf("\n### ", start + 1))
            .lines()
            .filter(line -> line.startsWith("| `--"))
            .toList();

    for (picocli.CommandLine.Model.OptionSpec option :
        new picocli.CommandLine(new NatsCoordinatorMain()).getCommandSpec().options()) {
      String flag = option.longestName();
      if (flag.equals("--help") || flag.equals("--version")) {
        continue;
      }
      org.junit.jupiter.api.Assertions.assertTrue(
          rows.stream().anyMatch(row -> row.startsWith("| `" + flag + "` |")),
          flag + " has no row in configuration.md's nats-coordinator table");
    }
  }

  private static NatsSettings settings() {
    return NatsSettings.defaults(NatsSettings.DEFAULT_URL);
  }

  /** A run's exit code and what it wrote to the stream that was captured. */
  private record Captured(int exitCode, String output) {
    String stderr() {
      return output;
    }
  }

  private static Captured captureStderr(String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      int code = new NatsCoordinatorMain().execute(args);
      return new Captured(code, buffer.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  private static Captured captureStdout(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      int code = new NatsCoordinatorMain().execute(args);
      return new Captured(code, buffer.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
  }
}
