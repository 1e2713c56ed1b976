package io.xcluster.replication.admin;

/** A cluster as another cluster's metadata knows it (itself included). */
public record LinkedCluster(
    String name, String address, long initialFailoverVersion, boolean connectionEnabled) {}
