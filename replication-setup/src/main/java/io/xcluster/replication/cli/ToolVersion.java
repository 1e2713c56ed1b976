package io.xcluster.replication.cli;

import picocli.CommandLine.IVersionProvider;

/**
 * {@code --version}: the version the jar was built from (its manifest's Implementation-Version) and
 * the Java it runs on.
 */
final class ToolVersion implements IVersionProvider {

  @Override
  public String[] getVersion() {
    String version = ToolVersion.class.getPackage().getImplementationVersion();
    return new String[] {
      "replication-setup "
          + (version == null ? "(development build)" : version)
          + ", Java "
          + System.getProperty("java.version")
    };
  }
}
