package io.xcluster.replication.admin;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A global namespace to register: its name, the cluster that starts out active, every cluster it
 * replicates to (the active one included), and how long closed workflows are kept.
 */
public record GlobalNamespaceSpec(
    String name, String activeCluster, List<String> clusters, Duration retention) {

  /** The server refuses shorter retention for global namespaces. */
  public static final Duration MINIMUM_RETENTION = Duration.ofHours(24);

  public GlobalNamespaceSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("--namespace must not be blank");
    }
    Objects.requireNonNull(activeCluster, "activeCluster");
    clusters = List.copyOf(clusters);
    if (clusters.stream().distinct().count() != clusters.size()) {
      throw new IllegalArgumentException("--clusters names a cluster twice: " + clusters);
    }
    if (clusters.size() < 2) {
      throw new IllegalArgumentException(
          "--clusters must name at least two clusters to replicate between, was " + clusters);
    }
    if (!clusters.contains(activeCluster)) {
      throw new IllegalArgumentException(
          "--active " + activeCluster + " is not one of --clusters " + clusters);
    }
    if (retention == null || retention.compareTo(MINIMUM_RETENTION) < 0) {
      throw new IllegalArgumentException(
          "--retention "
              + retention
              + " is below the 24 h minimum for global namespaces (e.g. --retention P1D)");
    }
  }
}
