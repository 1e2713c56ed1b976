package io.xcluster.replication.admin;

import java.time.Instant;
import java.util.List;

/**
 * How one namespace replicates, as one cluster describes it.
 *
 * @param failoverVersion grows with every failover (1 → 2 → 101 → ...): the cluster that owns the
 *     current version is the active one
 * @param failoverHistory the failovers so far, oldest first, as the server reports them
 */
public record NamespaceReplication(
    String namespace,
    boolean global,
    String activeCluster,
    List<String> clusters,
    long failoverVersion,
    List<Failover> failoverHistory) {

  public NamespaceReplication {
    clusters = List.copyOf(clusters);
    failoverHistory = List.copyOf(failoverHistory);
  }

  /** One failover: when, and the failover version it produced. */
  public record Failover(Instant at, long version) {}
}
