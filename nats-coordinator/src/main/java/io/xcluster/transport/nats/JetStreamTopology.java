package io.xcluster.transport.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The coordinator's streams. By default each side creates or updates them, idempotently, at
 * start-up: a changed setting (the duplicate window, a replica count given explicitly) is applied
 * to the existing stream; without a replica count an existing stream keeps its own. With {@link
 * NatsSettings#streamsProvisioned()} an admin has done that ({@link #provision}) and a side only
 * checks that they are there, so its user needs no right to create or change a stream.
 */
final class JetStreamTopology {

  /** A stream's name and the subjects it takes. */
  record Stream(String name, List<String> subjects) {}

  private JetStreamTopology() {}

  static List<Stream> streams(NatsSettings settings) {
    String prefix = settings.prefix();
    return List.of(
        new Stream(settings.callsStream(), List.of(prefix + ".calls.>", prefix + ".cancels.>")),
        new Stream(settings.resultsStream(), List.of(prefix + ".results.>")),
        new Stream(settings.deadLetterStream(), List.of(prefix + ".dlq.>")));
  }

  /**
   * At a side's start-up: creates or updates the streams, or with provisioned streams checks them.
   *
   * @throws IllegalStateException a provisioned stream missing or taking other subjects, naming it
   *     and the fix
   */
  static void ensure(Connection connection, NatsSettings settings)
      throws IOException, JetStreamApiException {
    JetStreamManagement management = connection.jetStreamManagement(settings.jetStreamOptions());
    if (settings.streamsProvisioned()) {
      for (Stream stream : streams(settings)) {
        verify(management, stream, settings);
      }
      return;
    }
    createOrUpdate(management, settings);
  }

  /**
   * An admin's set-up: creates or updates every stream and the cancel-marker bucket with {@code
   * settings}; one line per stream or bucket saying what was done.
   */
  static List<String> provision(Connection connection, NatsSettings settings) throws Exception {
    NatsSettings managed = settings.withStreamsProvisioned(false);
    List<String> done =
        createOrUpdate(connection.jetStreamManagement(managed.jetStreamOptions()), managed);
    done.add(CancelMarkers.createOrUpdate(connection, managed));
    return done;
  }

  private static List<String> createOrUpdate(JetStreamManagement management, NatsSettings settings)
      throws IOException, JetStreamApiException {
    List<String> existing = management.getStreamNames();
    List<String> done = new ArrayList<>();
    for (Stream stream : streams(settings)) {
      boolean exists = existing.contains(stream.name());
      int replicas =
          replicasFor(
              settings,
              exists
                  ? management.getStreamInfo(stream.name()).getConfiguration().getReplicas()
                  : null);
      StreamConfiguration config =
          StreamConfiguration.builder()
              .name(stream.name())
              .subjects(stream.subjects())
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
      done.add(
          (exists ? "updated" : "created")
              + " stream "
              + stream.name()
              + " "
              + stream.subjects()
              + ", "
              + replicas
              + (replicas == 1 ? " replica" : " replicas"));
    }
    return done;
  }

  private static void verify(JetStreamManagement management, Stream stream, NatsSettings settings)
      throws IOException, JetStreamApiException {
    StreamInfo info;
    try {
      info = management.getStreamInfo(stream.name());
    } catch (JetStreamApiException missing) {
      if (missing.getErrorCode() == 404) {
        throw notProvisioned("stream " + stream.name());
      }
      throw missing;
    }
    List<String> subjects = info.getConfiguration().getSubjects();
    if (!subjects.containsAll(stream.subjects())) {
      throw new IllegalStateException(
          "stream "
              + stream.name()
              + " takes "
              + subjects
              + ", not "
              + stream.subjects()
              + ": provision it again with this coordinator's settings (--provision-streams)");
    }
    // a retried publish is stored once only within the window: a shorter one than this side
    // counts on would let a retry through as a second message
    java.time.Duration window = info.getConfiguration().getDuplicateWindow();
    if (window != null && window.compareTo(settings.duplicateWindow()) < 0) {
      throw new IllegalStateException(
          "stream "
              + stream.name()
              + " de-duplicates for "
              + window
              + ", shorter than this side's --duplicate-window "
              + settings.duplicateWindow()
              + ": provision it again with that window (--provision-streams --duplicate-window)");
    }
  }

  /** A provisioned stream or bucket that is not there: what is missing, and who creates it. */
  static IllegalStateException notProvisioned(String what) {
    return new IllegalStateException(
        what
            + " does not exist, and with --provisioned-streams this coordinator may not create it:"
            + " an admin runs nats-coordinator --provision-streams first");
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
}
