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
 * replica count, the duplicate window) is applied to the existing stream.
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

  private static void ensure(
      JetStreamManagement management, NatsSettings settings, String name, List<String> subjects)
      throws IOException, JetStreamApiException {
    StreamConfiguration config =
        StreamConfiguration.builder()
            .name(name)
            .subjects(subjects)
            .storageType(StorageType.File)
            .replicas(settings.streamReplicas())
            .duplicateWindow(settings.duplicateWindow())
            .maxAge(settings.retention())
            .build();
    if (management.getStreamNames().contains(name)) {
      management.updateStream(config);
    } else {
      management.addStream(config);
    }
  }
}
