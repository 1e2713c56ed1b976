package io.xcluster.localstack.cli;

import io.xcluster.localstack.stack.TemporalClusterServer;
import io.xcluster.replication.cli.ReplicationSetupMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code local-stack replication-drill}: starts two multi-cluster Temporal servers on loopback,
 * links them and runs {@code replication-setup drill} against them — the failover drill on one
 * machine, with nothing to set up but the server binary.
 */
@Command(
    name = "replication-drill",
    mixinStandardHelpOptions = true,
    description =
        "Starts two real Temporal servers set up for replication (cluster-a, cluster-b), links them, runs the failover drill, stops them.")
public final class ReplicationDrillCommand implements Callable<Integer> {

  @Option(
      names = "--workflows",
      defaultValue = "50",
      description = "Workflows to start, fail over and finish (default: ${DEFAULT-VALUE}).")
  int workflows;

  @Option(
      names = "--work-dir",
      defaultValue = ".local-stack/replication",
      description =
          "Where the servers' configuration, databases and logs go (default: ${DEFAULT-VALUE}).")
  Path workDir;

  @Override
  public Integer call() throws Exception {
    Path runDir = Files.createDirectories(workDir.resolve("run-" + System.currentTimeMillis()));
    System.err.println(
        "replication-drill: starting cluster-a and cluster-b (full server v1.29.1, SQLite) under "
            + runDir);
    try (TemporalClusterServer a = TemporalClusterServer.start("cluster-a", 1, runDir);
        TemporalClusterServer b = TemporalClusterServer.start("cluster-b", 2, runDir)) {
      int linked =
          ReplicationSetupMain.execute(
              "link", "--cluster-a", a.address(), "--cluster-b", b.address());
      if (linked != 0) {
        return linked;
      }
      return ReplicationSetupMain.execute(
          "drill",
          "--cluster-a",
          a.address(),
          "--cluster-b",
          b.address(),
          "--workflows",
          Integer.toString(workflows));
    }
  }
}
