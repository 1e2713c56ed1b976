package io.xcluster.transport.nats;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The least a side of the coordinator needs from NATS, derived from the same settings it runs with,
 * so the broker's permissions and the code never drift apart. The calling side publishes calls and
 * cancels and consumes its results; the target side consumes calls and cancels and publishes
 * results. Neither may do the other's part: a calling side's credentials cannot forge an outcome, a
 * target's cannot inject a call.
 *
 * <p>By default both set up the streams, the cancel-marker bucket and their durable consumers at
 * start-up (idempotently), so both may create, update and read those by name, and nothing else.
 * With {@link NatsSettings#streamsProvisioned()} an admin ({@link #provisioner}) sets up the
 * streams and the bucket, and the sides may only read them: neither can widen a stream's subjects
 * or limits to get around the rest.
 *
 * @param publish subjects the side may publish to
 * @param subscribe subjects the side may subscribe to
 */
public record NatsPermissions(List<String> publish, List<String> subscribe) {

  public NatsPermissions {
    publish = List.copyOf(publish);
    subscribe = List.copyOf(subscribe);
  }

  /** The calling side in {@code sourceCluster}, calling {@code targetCluster}. */
  public static NatsPermissions callingSide(
      NatsSettings settings, String sourceCluster, String targetCluster) {
    List<String> publish = new ArrayList<>(common(settings));
    publish.add(settings.callsSubject(targetCluster));
    publish.add(settings.cancelsSubject(targetCluster));
    publish.add(
        CancelMarkers.subjects(settings.cancelMarkerBucket())
            + ">"); // a cancel marks its call first
    publish.addAll(consumer(settings.resultsStream(), sourceCluster + "-outcomes"));
    return new NatsPermissions(inDomain(settings, publish), List.of("_INBOX.>"));
  }

  /** The target side (the relay) in {@code targetCluster}. */
  public static NatsPermissions targetSide(NatsSettings settings, String targetCluster) {
    List<String> publish = new ArrayList<>(common(settings));
    publish.addAll(settings.resultsSubjects());
    publish.addAll(consumer(settings.callsStream(), targetCluster + "-calls"));
    publish.addAll(consumer(settings.callsStream(), targetCluster + "-cancels"));
    return new NatsPermissions(inDomain(settings, publish), List.of("_INBOX.>"));
  }

  /**
   * Whoever runs {@code nats-coordinator --provision-streams}: creates, updates and reads the
   * streams and the bucket, nothing else (no subject of calls or results).
   */
  public static NatsPermissions provisioner(NatsSettings settings) {
    return new NatsPermissions(
        inDomain(settings, streamApi(settings, settings.withStreamsProvisioned(false))),
        List.of("_INBOX.>"));
  }

  /**
   * This side as a user of a nats-server {@code authorization} block, e.g. {@code {user: "us-east",
   * password: $US_EAST_PASSWORD, permissions: {...}}}.
   */
  public String asUser(String user, String password) {
    // a password given as $NAME is a variable of the server's configuration, left unquoted
    String secret =
        password.matches("\\$[A-Za-z_][A-Za-z0-9_]*")
            ? password
            : "\"" + password.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    // a user with a name subscribes only to its own inbox (the coordinator connects with that
    // prefix): no user can read another's replies
    List<String> subscriptions =
        subscribe.stream()
            .map(s -> s.equals("_INBOX.>") ? NatsConnections.inboxPrefixFor(user) + ".>" : s)
            .toList();
    return "{user: \""
        + user
        + "\", password: "
        + secret
        + ", permissions: {publish: {allow: "
        + quoted(publish)
        + "}, subscribe: {allow: "
        + quoted(subscriptions)
        + "}}}";
  }

  /** Streams, the bucket and dead letters, which both sides set up (or check), read or write. */
  private static List<String> common(NatsSettings settings) {
    List<String> subjects = streamApi(settings, settings);
    String bucketStream = "KV_" + settings.cancelMarkerBucket();
    subjects.add("$JS.API.DIRECT.GET." + bucketStream + ".>"); // reading a cancel marker
    subjects.add("$JS.API.STREAM.MSG.GET." + bucketStream);
    subjects.add(settings.prefix() + ".dlq.>");
    return subjects;
  }

  /**
   * Reading the streams and the bucket by name; creating and updating them too unless {@code
   * access} says an admin provisioned them.
   */
  private static List<String> streamApi(NatsSettings settings, NatsSettings access) {
    List<String> subjects = new ArrayList<>(List.of("$JS.API.INFO", "$JS.API.STREAM.NAMES"));
    List<String> streams = new ArrayList<>();
    JetStreamTopology.streams(settings).forEach(stream -> streams.add(stream.name()));
    streams.add("KV_" + settings.cancelMarkerBucket());
    for (String stream : streams) {
      subjects.add("$JS.API.STREAM.INFO." + stream);
      if (!access.streamsProvisioned()) {
        subjects.add("$JS.API.STREAM.CREATE." + stream);
        subjects.add("$JS.API.STREAM.UPDATE." + stream);
      }
    }
    return subjects;
  }

  /** Creating, reading and pulling from one durable consumer, and acknowledging its messages. */
  private static List<String> consumer(String stream, String durable) {
    return List.of(
        "$JS.API.CONSUMER.CREATE." + stream + "." + durable + ".>",
        "$JS.API.CONSUMER.CREATE." + stream + "." + durable,
        "$JS.API.CONSUMER.DURABLE.CREATE." + stream + "." + durable,
        "$JS.API.CONSUMER.INFO." + stream + "." + durable,
        "$JS.API.CONSUMER.MSG.NEXT." + stream + "." + durable,
        "$JS.ACK." + stream + "." + durable + ".>");
  }

  /** The subjects as a client in the settings' JetStream domain sends them. */
  private static List<String> inDomain(NatsSettings settings, List<String> subjects) {
    return subjects.stream().map(settings::inJetStreamDomain).toList();
  }

  private static String quoted(List<String> subjects) {
    return subjects.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", ", "[", "]"));
  }
}
