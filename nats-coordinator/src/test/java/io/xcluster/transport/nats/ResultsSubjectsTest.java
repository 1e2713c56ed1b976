package io.xcluster.transport.nats;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The relay publishes outcomes only on the configured results subjects, NATS wildcards read as the
 * server reads them.
 */
class ResultsSubjectsTest {

  private final NatsSettings defaults = NatsSettings.defaults("nats://127.0.0.1:4222");

  @Test
  void byDefaultEveryClustersResultsSubjectAndNothingElseIsAllowed() {
    assertTrue(defaults.allowsReplyTo("xcluster.results.us-east"));
    assertFalse(defaults.allowsReplyTo("xcluster.results"));
    assertFalse(defaults.allowsReplyTo("xcluster.results.us-east.extra"));
    assertFalse(defaults.allowsReplyTo("xcluster.calls.eu-west"));
    assertFalse(defaults.allowsReplyTo("xcluster.results..us-east"));
    assertFalse(defaults.allowsReplyTo("xcluster.reslts.us-east"));
  }

  @Test
  void configuredSubjectsNarrowWhereOutcomesMayGo() {
    NatsSettings onlyUsEast = defaults.withResultsSubjects(Set.of("xcluster.results.us-east"));

    assertTrue(onlyUsEast.allowsReplyTo("xcluster.results.us-east"));
    assertFalse(onlyUsEast.allowsReplyTo("xcluster.results.ap-south"));
    assertTrue(
        defaults
            .withResultsSubjects(Set.of("xcluster.results.>"))
            .allowsReplyTo("xcluster.results.us-east.orders"));
  }

  @Test
  void aReplySubjectWithAWildcardOrAnEmptyTokenMatchesNoPattern() {
    NatsSettings anywhere = defaults.withResultsSubjects(Set.of("xcluster.results.>"));

    assertFalse(anywhere.allowsReplyTo("xcluster.results."));
    assertFalse(anywhere.allowsReplyTo("xcluster.results.>"));
    assertFalse(anywhere.allowsReplyTo("xcluster.results.*"));
    assertFalse(defaults.allowsReplyTo("xcluster.results.*"));
    assertFalse(defaults.allowsReplyTo("xcluster.results.us east"));
  }

  @Test
  void aResultsSubjectOutsideTheResultsStreamIsRefusedNamingIt() {
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () -> defaults.withResultsSubjects(Set.of("xcluster.calls.>")));
    assertTrue(refused.getMessage().contains("'xcluster.calls.>'"), refused.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> defaults.withResultsSubjects(Set.of("xcluster.results.>.x")));
  }
}
