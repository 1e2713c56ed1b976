package io.xcluster.runtime.cli;

import io.xcluster.runtime.config.TemporalProfiles;
import io.xcluster.runtime.config.TemporalProfiles.ResolvedCluster;
import picocli.CommandLine.Option;

/**
 * The one cluster of a single-cluster process: its profile, {@code TEMPORAL_*} overrides, then
 * these flags.
 */
public final class HomeClusterOptions {

  @Option(
      names = "--address",
      description = "Frontend host:port; overrides TEMPORAL_ADDRESS and the profile's address.")
  public String address;

  @Option(
      names = "--namespace",
      description = "Namespace; overrides TEMPORAL_NAMESPACE and the profile's namespace.")
  public String namespace;

  public ResolvedCluster resolve(TemporalProfiles profiles, String cluster, String defaultAddress) {
    return profiles.single(cluster, defaultAddress, address, namespace);
  }
}
