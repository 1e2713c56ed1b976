package io.xcluster.transport.nats;

import io.nats.client.JetStreamOptions;
import io.xcluster.port.protection.DestinationLimits;
import io.xcluster.runtime.config.NatsAccess;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The JetStream layout and limits the coordinator uses. Subjects are {@code
 * <prefix>.calls.<targetCluster>}, {@code <prefix>.cancels.<targetCluster>}, {@code
 * <prefix>.results.<sourceCluster>} and {@code <prefix>.dlq.<kind>}, in three file-backed streams
 * (calls and cancels; results; dead letters).
 *
 * @param url the NATS server, e.g. {@code nats://127.0.0.1:4222}
 * @param prefix the subject prefix and stream name stem
 * @param ackWait how long a delivered message may stay unacknowledged before redelivery; the relay
 *     keeps held calls alive with in-progress acks at a third of this
 * @param maxDeliveries deliveries after which a message that keeps failing is dead-lettered
 * @param duplicateWindow JetStream's de-duplication window for {@code Nats-Msg-Id}
 * @param maxHeldCalls how many calls the relay may hold open at once (consumer max ack pending)
 * @param retention how long calls and results stay in their streams; must exceed the longest call
 * @param allowedWorkflowTypes remote workflow types the relay may start; empty allows any (the
 *     process's explicit {@code --allow-workflow-type *}: it requires a target side to choose)
 * @param access credentials and TLS for the connection (the URL in it is {@code url})
 * @param resultsSubjects where the relay may publish outcomes: subjects or NATS wildcards under
 *     {@code <prefix>.results.}; a call asking for its outcome anywhere else is dead-lettered
 *     before anything starts. Empty means {@code <prefix>.results.*}
 * @param streamReplicas copies of every stream and of the cancel-marker bucket a JetStream cluster
 *     keeps, each on another node (1 on a single server; 3 on a 3-node cluster survives a node);
 *     {@link #KEEP_REPLICAS} leaves existing streams as they are
 * @param streamsProvisioned an admin created the streams and the bucket ({@code nats-coordinator
 *     --provision-streams}): the coordinator only checks that they exist and never creates or
 *     changes them, so its NATS user needs no right to (see {@link NatsPermissions})
 * @param jetStreamDomain the JetStream domain the streams live in, or null for the one the client's
 *     own server belongs to; set where the client's server is a leaf node without JetStream in
 *     another region than the streams (its API requests then go to {@code $JS.<domain>.API})
 * @param limits the relay's caps and circuit breaker for starts on the target cluster; null: {@link
 *     DestinationLimits#DEFAULTS}
 */
public record NatsSettings(
    String url,
    String prefix,
    Duration ackWait,
    int maxDeliveries,
    Duration duplicateWindow,
    long maxHeldCalls,
    Duration retention,
    Set<String> allowedWorkflowTypes,
    NatsAccess access,
    Set<String> resultsSubjects,
    int streamReplicas,
    boolean streamsProvisioned,
    String jetStreamDomain,
    DestinationLimits limits) {

  public static final String DEFAULT_URL = "nats://127.0.0.1:4222";

  /**
   * Stream replicas "as they are": a new stream gets one, an existing one keeps its count — so a
   * process started without the setting never shrinks a cluster's three copies to one.
   */
  public static final int KEEP_REPLICAS = 0;

  public NatsSettings {
    if (url == null || !url.matches("(nats|tls)://[^\\s]+")) {
      throw new IllegalArgumentException(
          "NATS url '" + url + "' is not of the form nats://host:port");
    }
    if (prefix == null || !prefix.matches("[a-z][a-z0-9_-]*")) {
      throw new IllegalArgumentException(
          "NATS subject prefix '" + prefix + "' must be lower-case letters, digits, '-' or '_'");
    }
    Objects.requireNonNull(ackWait, "ackWait");
    if (maxDeliveries < 1) {
      throw new IllegalArgumentException(
          "NATS maxDeliveries must be at least 1, was " + maxDeliveries);
    }
    Objects.requireNonNull(duplicateWindow, "duplicateWindow");
    if (streamReplicas < KEEP_REPLICAS || streamReplicas > 5) {
      throw new IllegalArgumentException(
          "NATS stream replicas must be 1 to 5 (JetStream's limit), or 0 to keep what each stream"
              + " has, was "
              + streamReplicas);
    }
    Objects.requireNonNull(retention, "retention");
    // JetStream refuses a window that is not positive or outlives the stream's retention; found
    // only when the streams are made, it was retried as an outage and the process never got ready
    if (duplicateWindow.isNegative()
        || duplicateWindow.isZero()
        || duplicateWindow.compareTo(retention) > 0) {
      throw new IllegalArgumentException(
          "NATS duplicate window must be positive and at most the streams' retention ("
              + retention
              + "), was "
              + duplicateWindow);
    }
    limits = limits == null ? DestinationLimits.DEFAULTS : limits;
    if (jetStreamDomain != null && jetStreamDomain.isBlank()) {
      jetStreamDomain = null;
    }
    if (jetStreamDomain != null && !jetStreamDomain.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException(
          "JetStream domain '"
              + jetStreamDomain
              + "' must be letters, digits, '-' or '_' (one token of a subject)");
    }
    allowedWorkflowTypes =
        allowedWorkflowTypes == null ? Set.of() : Set.copyOf(allowedWorkflowTypes);
    access = access == null ? new NatsAccess(url, null, null, null, null) : access;
    if (!access.url().equals(url)) {
      throw new IllegalArgumentException(
          "NATS url '" + url + "' differs from the access settings' '" + access.url() + "'");
    }
    resultsSubjects =
        resultsSubjects == null || resultsSubjects.isEmpty()
            ? Set.of(prefix + ".results.*")
            : Set.copyOf(resultsSubjects);
    for (String subject : resultsSubjects) {
      if (!subject.startsWith(prefix + ".results.") || !SubjectPattern.isValid(subject)) {
        throw new IllegalArgumentException(
            "NATS results subject '"
                + subject
                + "' must be a subject or wildcard under "
                + prefix
                + ".results. (the results stream)");
      }
    }
  }

  /**
   * Defaults: prefix {@code xcluster}, 30 s ack wait, 5 deliveries, 2 min dedup window, 20,000 held
   * calls, 30 days, stream replicas kept as they are (one for a new stream).
   */
  public static NatsSettings defaults(String url) {
    return new NatsSettings(
        url,
        "xcluster",
        Duration.ofSeconds(30),
        5,
        Duration.ofMinutes(2),
        20_000,
        Duration.ofDays(30),
        Set.of(),
        null,
        Set.of(),
        KEEP_REPLICAS,
        false,
        null,
        null);
  }

  /** The defaults, reaching NATS with {@code access} (credentials, TLS). */
  public static NatsSettings defaults(NatsAccess access) {
    return defaults(access.url()).withAccess(access);
  }

  public NatsSettings withAccess(NatsAccess newAccess) {
    return with(
        copy -> {
          copy.url = newAccess.url();
          copy.access = newAccess;
        });
  }

  public NatsSettings withAckWait(Duration newAckWait) {
    return with(copy -> copy.ackWait = newAckWait);
  }

  public NatsSettings withDuplicateWindow(Duration newWindow) {
    return with(copy -> copy.duplicateWindow = newWindow);
  }

  public NatsSettings allowing(Set<String> workflowTypes) {
    return with(copy -> copy.allowedWorkflowTypes = workflowTypes);
  }

  /** Streams and the cancel-marker bucket with {@code replicas} copies (3 on a 3-node cluster). */
  public NatsSettings withStreamReplicas(int replicas) {
    return with(copy -> copy.streamReplicas = replicas);
  }

  /**
   * With {@code provisioned}, the streams and the bucket are an admin's: checked at start-up, never
   * created or changed.
   */
  public NatsSettings withStreamsProvisioned(boolean provisioned) {
    return with(copy -> copy.streamsProvisioned = provisioned);
  }

  /** The streams in JetStream domain {@code domain} (null or blank: the client's own). */
  public NatsSettings withJetStreamDomain(String domain) {
    return with(copy -> copy.jetStreamDomain = domain);
  }

  /** How to reach the streams' JetStream: in {@link #jetStreamDomain()}, where one is set. */
  JetStreamOptions jetStreamOptions() {
    return jetStreamDomain == null
        ? JetStreamOptions.DEFAULT_JS_OPTIONS
        : JetStreamOptions.builder().domain(jetStreamDomain).build();
  }

  /**
   * {@code subject} as a client in this JetStream domain sends it: the API under {@code
   * $JS.<domain>.API}, key-value writes under {@code $JS.<domain>.API.$KV}; anything else (acks,
   * stream subjects), and everything without a domain, unchanged.
   */
  String inJetStreamDomain(String subject) {
    if (jetStreamDomain == null) {
      return subject;
    }
    String api = "$JS." + jetStreamDomain + ".API";
    if (subject.startsWith("$JS.API.")) {
      return api + subject.substring("$JS.API".length());
    }
    return subject.startsWith("$KV.") ? api + "." + subject : subject;
  }

  /** The relay's caps and circuit breaker for starts on the target cluster. */
  public NatsSettings withLimits(DestinationLimits destinationLimits) {
    return with(copy -> copy.limits = destinationLimits);
  }

  /**
   * Outcomes only to {@code subjects} (each under {@code <prefix>.results.}); empty restores the
   * default.
   */
  public NatsSettings withResultsSubjects(Set<String> subjects) {
    return with(copy -> copy.resultsSubjects = subjects);
  }

  /** These settings with what {@code change} sets; checked again as new settings are. */
  private NatsSettings with(java.util.function.Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return copy.settings();
  }

  /** The components of a {@link NatsSettings} to change one or two of. */
  private static final class Copy {
    String url;
    String prefix;
    Duration ackWait;
    int maxDeliveries;
    Duration duplicateWindow;
    long maxHeldCalls;
    Duration retention;
    Set<String> allowedWorkflowTypes;
    NatsAccess access;
    Set<String> resultsSubjects;
    int streamReplicas;
    boolean streamsProvisioned;
    String jetStreamDomain;
    DestinationLimits limits;

    Copy(NatsSettings from) {
      url = from.url;
      prefix = from.prefix;
      ackWait = from.ackWait;
      maxDeliveries = from.maxDeliveries;
      duplicateWindow = from.duplicateWindow;
      maxHeldCalls = from.maxHeldCalls;
      retention = from.retention;
      allowedWorkflowTypes = from.allowedWorkflowTypes;
      access = from.access;
      resultsSubjects = from.resultsSubjects;
      streamReplicas = from.streamReplicas;
      streamsProvisioned = from.streamsProvisioned;
      jetStreamDomain = from.jetStreamDomain;
      limits = from.limits;
    }

    NatsSettings settings() {
      return new NatsSettings(
          url,
          prefix,
          ackWait,
          maxDeliveries,
          duplicateWindow,
          maxHeldCalls,
          retention,
          allowedWorkflowTypes,
          access,
          resultsSubjects,
          streamReplicas,
          streamsProvisioned,
          jetStreamDomain,
          limits);
    }
  }

  /**
   * Whether {@code replySubject} is one of the results subjects, so the relay may publish an
   * outcome there.
   */
  boolean allowsReplyTo(String replySubject) {
    return resultsSubjects.stream()
        .anyMatch(pattern -> SubjectPattern.matches(pattern, replySubject));
  }

  /**
   * The dead letter's reason for {@code what} (e.g. "call x asks for its outcome"), whose reply
   * subject is not one the relay may publish to.
   */
  String notAResultsSubject(String what, String replySubject) {
    return what
        + " on '"
        + replySubject
        + "', which is not one of the results subjects "
        + resultsSubjects();
  }

  public String callsStream() {
    return prefix.toUpperCase().replace('-', '_') + "_CALLS";
  }

  public String resultsStream() {
    return prefix.toUpperCase().replace('-', '_') + "_RESULTS";
  }

  String deadLetterStream() {
    return prefix.toUpperCase().replace('-', '_') + "_DLQ";
  }

  String cancelMarkerBucket() {
    return prefix.toUpperCase().replace('-', '_') + "_CANCELED_CALLS";
  }

  public String callsSubject(String targetCluster) {
    return prefix + ".calls." + targetCluster;
  }

  String cancelsSubject(String targetCluster) {
    return prefix + ".cancels." + targetCluster;
  }

  public String resultsSubject(String sourceCluster) {
    return prefix + ".results." + sourceCluster;
  }

  String deadLetterSubject(String kind) {
    return prefix + ".dlq." + kind;
  }
}
