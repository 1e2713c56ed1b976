package io.xcluster.replication.admin;

/** Who a frontend says it is: what linking and global namespaces depend on. */
public record ClusterIdentity(
    String name,
    String address,
    long initialFailoverVersion,
    long failoverVersionIncrement,
    String serverVersion) {}
