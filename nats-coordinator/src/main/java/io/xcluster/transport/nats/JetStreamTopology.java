package io.xcluster.transport.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.util.List;

/**
 * Creates or updates the coordinator's streams, idempotently, at start-up: a changed setting (the
 * duplicate window, a replica count given explicitly) is applied to the existing stream; without a
 * replica count an existing stream keeps its own.
 */
final class JetStreamTopology {

  private JetStreamTopology() {}

  static void ensure(Connection connection, NatsSettings settings)
      throws IOException, JetStreamApiException {
    JetStreamManagement management = connection.jetStreamManagement();
    ensure(
        management,
        settings,
        settings.callsStream(),
        List.of(settings.prefix() + ".calls.>", settings.prefix() + ".cancels.>"));
    ensure(
        management, settings, settings.resultsStream(), List.of(settings.prefix() + ".results.>"));
    ensure(
        management, settings, settings.deadLetterStream(), List.of(settings.prefix() + ".dlq.>"));
  }

  /**
   * The replica count to create or update a stream with: the setting, or with {@link
   * NatsSettings#KEEP_REPLICAS} the stream's own ({@code existing}; null for a new stream: 1).
   */
  static int replicasFor(NatsSettings settings, Integer existing) {
    if (settings.streamReplicas() != NatsSettings.KEEP_REPLICAS) {
      return settings.streamReplicas();
    }
    return existing == null ? 1 : existing;
  }

  private static void ensure(
      JetStreamManagement management, NatsSettings settings, String name, List<String> subjects)
      throws IOException, JetStreamApiException {
    boolean exists = management.getStreamNames().contains(name);
    int replicas =
        replicasFor(
            settings,
            exists ? management.getStreamInfo(name).getConfiguration().getReplicas() : null);
    StreamConfiguration config =
        StreamConfiguration.builder()
            .name(name)
            .subjects(subjects)
            .storageType(StorageType.File)
            .replicas(replicas)
            .duplicateWindow(settings.duplicateWindow())
            .maxAge(settings.retention())
            .build();
    if (exists) {
      management.updateStream(config);
    } else {
      management.addStream(config);
    }
  }
}
