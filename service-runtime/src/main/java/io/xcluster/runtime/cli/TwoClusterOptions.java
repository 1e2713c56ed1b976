package io.xcluster.runtime.cli;

import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.runtime.config.ConfigException;
import io.xcluster.runtime.config.TemporalProfiles;
import io.xcluster.runtime.config.TemporalProfiles.ResolvedCluster;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The calling and the target cluster of a process that connects to both (the bridge, the NATS
 * coordinator): each from the profile named after it, then these flags.
 */
public final class TwoClusterOptions {

  public static final String DEFAULT_SOURCE_ADDRESS = "127.0.0.1:7233";
  public static final String DEFAULT_TARGET_ADDRESS = "127.0.0.1:7234";

  @Option(
      names = "--source-cluster",
      defaultValue = "${env:XCLUSTER_SOURCE_CLUSTER:-us-east}",
      description =
          "Name (and profile) of the calling cluster (env XCLUSTER_SOURCE_CLUSTER, default: ${DEFAULT-VALUE}).")
  public String sourceCluster;

  @Option(
      names = "--source-address",
      description =
          "Calling cluster's frontend host:port; overrides its profile (default without a profile: "
              + DEFAULT_SOURCE_ADDRESS
              + ").")
  public String sourceAddress;

  @Option(
      names = "--source-namespace",
      description = "Namespace of the calling workflows; overrides the profile (default: default).")
  public String sourceNamespace;

  @Option(
      names = "--target-cluster",
      defaultValue = "${env:XCLUSTER_TARGET_CLUSTER:-eu-west}",
      description =
          "Name (and profile) of the target cluster (env XCLUSTER_TARGET_CLUSTER, default: ${DEFAULT-VALUE}).")
  public String targetCluster;

  @Option(
      names = "--target-address",
      description =
          "Target cluster's frontend host:port; overrides its profile (default without a profile: "
              + DEFAULT_TARGET_ADDRESS
              + ").")
  public String targetAddress;

  @Option(
      names = "--target-namespace",
      description = "Namespace of the remote workflows; overrides the profile (default: default).")
  public String targetNamespace;

  /**
   * Stops start-up, naming the setting, when a cluster name is empty (a variable set to ""): it
   * names the profile, the queues and the subjects.
   */
  public void requireClusterNames() {
    ConfigException.requireText("--source-cluster / XCLUSTER_SOURCE_CLUSTER", sourceCluster);
    ConfigException.requireText("--target-cluster / XCLUSTER_TARGET_CLUSTER", targetCluster);
  }

  public ResolvedCluster source(TemporalProfiles profiles) {
    requireClusterNames();
    return profiles.oneOfTwo(
        sourceCluster, DEFAULT_SOURCE_ADDRESS, sourceAddress, sourceNamespace, "--source");
  }

  public ResolvedCluster target(TemporalProfiles profiles) {
    requireClusterNames();
    return profiles.oneOfTwo(
        targetCluster, DEFAULT_TARGET_ADDRESS, targetAddress, targetNamespace, "--target");
  }

  /**
   * These flags for {@code source} and {@code target}: how a launcher tells a transport process its
   * clusters.
   */
  public static List<String> asArguments(ClusterEndpoint source, ClusterEndpoint target) {
    return List.of(
        "--source-cluster",
        source.name(),
        "--source-address",
        source.address(),
        "--source-namespace",
        source.namespace(),
        "--target-cluster",
        target.name(),
        "--target-address",
        target.address(),
        "--target-namespace",
        target.namespace());
  }
}
