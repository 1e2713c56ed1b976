package io.xcluster.runtime.cli;

import picocli.CommandLine.IVersionProvider;

/**
 * {@code --version}: the project version the service jar was built from (its manifest's
 * Implementation-Version).
 */
public final class ServiceVersion implements IVersionProvider {

  @Override
  public String[] getVersion() {
    String version = ServiceVersion.class.getPackage().getImplementationVersion();
    return new String[] {
      "temporal-cross-cluster "
          + (version == null ? "(development build)" : version)
          + ", Java "
          + System.getProperty("java.version")
    };
  }
}
