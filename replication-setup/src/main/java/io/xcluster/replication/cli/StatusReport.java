package io.xcluster.replication.cli;

import io.xcluster.replication.admin.ClusterAdmin;
import io.xcluster.replication.admin.ClusterIdentity;
import io.xcluster.replication.admin.LinkedCluster;
import io.xcluster.replication.admin.NamespaceReplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@code status}: what each of two clusters says about itself, its links and its global namespaces,
 * side by side.
 */
final class StatusReport {

  private static final String ROW = "%-26s | %-44s | %-44s%n";

  private StatusReport() {}

  static String render(ClusterAdmin a, ClusterAdmin b, String onlyNamespace) {
    StringBuilder out = new StringBuilder();
    ClusterIdentity ia = a.identity();
    ClusterIdentity ib = b.identity();
    out.append(
        ROW.formatted("", ia.name() + " @ " + ia.address(), ib.name() + " @ " + ib.address()));
    out.append(ROW.formatted("server version", ia.serverVersion(), ib.serverVersion()));
    out.append(
        ROW.formatted(
            "initial failover version", ia.initialFailoverVersion(), ib.initialFailoverVersion()));
    out.append(
        ROW.formatted(
            "failover version increment",
            ia.failoverVersionIncrement(),
            ib.failoverVersionIncrement()));
    out.append(ROW.formatted("linked clusters", links(a), links(b)));
    TreeSet<String> namespaces = new TreeSet<>();
    if (onlyNamespace != null) {
      namespaces.add(onlyNamespace);
    } else {
      a.globalNamespaces().forEach(n -> namespaces.add(n.namespace()));
      b.globalNamespaces().forEach(n -> namespaces.add(n.namespace()));
    }
    for (String namespace : namespaces) {
      Optional<NamespaceReplication> na = a.find(namespace);
      Optional<NamespaceReplication> nb = b.find(namespace);
      out.append(ROW.formatted("namespace " + namespace, describe(na), describe(nb)));
      out.append(ROW.formatted("  failover history", history(na), history(nb)));
    }
    if (namespaces.isEmpty()) {
      out.append(ROW.formatted("global namespaces", "none", "none"));
    }
    return out.toString();
  }

  private static String links(ClusterAdmin cluster) {
    List<String> links = new ArrayList<>();
    for (LinkedCluster linked : cluster.linkedClusters()) {
      if (!linked.name().equals(cluster.name())) {
        links.add(linked.name() + (linked.connectionEnabled() ? "" : " (connection DISABLED)"));
      }
    }
    return links.isEmpty() ? "none" : String.join(", ", links);
  }

  private static String describe(Optional<NamespaceReplication> namespace) {
    return namespace
        .map(
            n ->
                n.global()
                    ? "active " + n.activeCluster() + ", failover version " + n.failoverVersion()
                    : "local (not replicated)")
        .orElse("absent");
  }

  private static String history(Optional<NamespaceReplication> namespace) {
    return namespace
        .map(
            n ->
                n.failoverHistory().isEmpty()
                    ? "none"
                    : String.join(
                        ", ",
                        n.failoverHistory().stream()
                            .map(f -> "v" + f.version() + " at " + f.at())
                            .toList()))
        .orElse("-");
  }
}
