package io.xcluster.transport.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import io.xcluster.port.call.CallId;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Durable "this call was canceled" markers (a JetStream key-value bucket), so a cancel that
 * overtakes its call — they travel on separate consumers, and a call may be redelivered after an
 * outage — still wins: the relay checks for a marker before and after it starts a remote run.
 */
final class CancelMarkers {

  private static final byte[] MARK = "canceled".getBytes(StandardCharsets.UTF_8);

  private final KeyValue bucket;
  private final String writeSubjects;

  private CancelMarkers(KeyValue bucket, String writeSubjects) {
    this.bucket = bucket;
    this.writeSubjects = writeSubjects;
  }

  /**
   * Opens the bucket: creates or updates it first (file storage, as many replicas as the streams,
   * markers expire with the streams' retention), or with provisioned streams only checks that it is
   * there.
   */
  static CancelMarkers open(Connection connection, NatsSettings settings) throws Exception {
    String name = settings.cancelMarkerBucket();
    if (settings.streamsProvisioned()) {
      try {
        connection.keyValueManagement(keyValueOptions(settings)).getStatus(name);
      } catch (JetStreamApiException missing) {
        if (missing.getErrorCode() == 404) {
          throw JetStreamTopology.notProvisioned("cancel-marker bucket " + name);
        }
        throw missing;
      }
    } else {
      createOrUpdate(connection, settings);
    }
    // in another JetStream domain a write goes to $JS.<domain>.API.$KV.<bucket>.<key>, which
    // that domain's servers map to the bucket's own subject
    String writeSubjects = settings.inJetStreamDomain(subjects(name));
    return new CancelMarkers(connection.keyValue(name, keyValueOptions(settings)), writeSubjects);
  }

  private static KeyValueOptions keyValueOptions(NatsSettings settings) {
    return KeyValueOptions.builder().jetStreamOptions(settings.jetStreamOptions()).build();
  }

  /** Creates the bucket if missing, or updates it; says which. */
  static String createOrUpdate(Connection connection, NatsSettings settings) throws Exception {
    String name = settings.cancelMarkerBucket();
    var management = connection.keyValueManagement(keyValueOptions(settings));
    boolean exists = management.getBucketNames().contains(name);
    Integer existingReplicas =
        exists ? management.getStatus(name).getConfiguration().getReplicas() : null;
    int replicas = JetStreamTopology.replicasFor(settings, existingReplicas);
    KeyValueConfiguration config =
        KeyValueConfiguration.builder()
            .name(name)
            .storageType(StorageType.File)
            .replicas(replicas)
            .ttl(settings.retention())
            .maxHistoryPerKey(1)
            .build();
    if (exists) {
      management.update(config); // a changed replica count applies to the existing bucket
    } else {
      management.create(config);
    }
    return (exists ? "updated" : "created")
        + " cancel-marker bucket "
        + name
        + ", "
        + replicas
        + (replicas == 1 ? " replica" : " replicas");
  }

  /**
   * Marks the call canceled through {@code publisher}: a marker is a message on the bucket's
   * subject, so it rides out a leader election like any publish, stored once under its {@code
   * Nats-Msg-Id}.
   */
  void mark(CallId callId, ElectionTolerantPublisher publisher) throws Exception {
    // markers are never deleted (they expire with the bucket's TTL, days): a second mark within
    // the 2 min duplicate window is the same marker, so dropping it as a duplicate is right
    publisher.publish(writeSubjects + key(callId), null, MARK, "cancel-mark:" + callId.value());
  }

  /**
   * The prefix of the bucket's own subjects, {@code $KV.<bucket>.}, which a client in the bucket's
   * JetStream domain writes to ({@link NatsPermissions} grants the same, under the domain's API
   * prefix for a client elsewhere).
   */
  static String subjects(String bucket) {
    return "$KV." + bucket + ".";
  }

  boolean isMarked(CallId callId) throws Exception {
    KeyValueEntry entry = bucket.get(key(callId));
    return entry != null && entry.getValue() != null;
  }

  /** KV keys allow only [-/_=.a-zA-Z0-9]; call ids contain ':'. */
  private static String key(CallId callId) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(callId.value().getBytes(StandardCharsets.UTF_8));
  }
}
