package io.xcluster.replication.cli;

import io.xcluster.replication.admin.ClusterAdmin;
import io.xcluster.replication.admin.GlobalNamespaceSpec;
import io.xcluster.replication.admin.LinkedCluster;
import io.xcluster.replication.admin.NamespaceReplication;
import io.xcluster.replication.admin.ReplicationException;
import io.xcluster.replication.drill.DrillReport;
import io.xcluster.replication.drill.FailoverDrill;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code replication-setup link | namespace create | status | failover | drill | recheck-calls}:
 * open-source Temporal namespace replication between two clusters, one command per step.
 *
 * <p>Runs as {@code java -jar replication-setup/target/replication-setup.jar <command>}. Exit
 * codes: 0 done; 1 a cluster refused (namespace exists, standby rejects the write) or the drill
 * left workflows unfinished; 2 invalid request or usage; 3 a cluster did not answer; 70 a bug in
 * this tool (with its stack trace).
 */
@Command(
    name = "replication-setup",
    mixinStandardHelpOptions = true,
    versionProvider = ToolVersion.class,
    description =
        "Links two Temporal clusters, creates global namespaces, fails over, and drills a failover.",
    subcommands = {
      ReplicationSetupMain.Link.class,
      ReplicationSetupMain.Namespace.class,
      ReplicationSetupMain.Status.class,
      ReplicationSetupMain.Failover.class,
      ReplicationSetupMain.Drill.class,
      RecheckCalls.class
    })
public final class ReplicationSetupMain implements Runnable {

  static final int EXIT_REJECTED = 1;
  static final int EXIT_INVALID = 2;
  static final int EXIT_UNREACHABLE = 3;
  static final int EXIT_INTERNAL = 70;

  /**
   * The runnable jar's logging: warnings on stderr (see the file); a jar embedding this module
   * keeps its own.
   */
  private static final String LOGGING = "replication-setup-logback.xml";

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", LOGGING);
    }
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    CommandLine commandLine = new CommandLine(new ReplicationSetupMain());
    versionEverywhere(commandLine, new ToolVersion());
    commandLine.setParameterExceptionHandler(
        (problem, ignored) -> {
          // one line saying what was wrong, and where to read the options: not picocli's whole
          // usage text
          CommandLine where = problem.getCommandLine();
          where.getErr().println("replication-setup: " + problem.getMessage());
          where
              .getErr()
              .println(
                  "Run '" + where.getCommandSpec().qualifiedName() + " --help' for its options.");
          return EXIT_INVALID;
        });
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          // one line, never a stack trace, for everything a cluster or the user got wrong
          if (e instanceof ReplicationException problem) {
            cmd.getErr().println("replication-setup: " + problem.getMessage());
            return switch (problem.kind()) {
              case INVALID -> EXIT_INVALID;
              case REJECTED -> EXIT_REJECTED;
              case UNREACHABLE -> EXIT_UNREACHABLE;
            };
          }
          if (e instanceof IllegalArgumentException invalid) {
            cmd.getErr().println("replication-setup: " + invalid.getMessage());
            return EXIT_INVALID;
          }
          // anything else is a bug here, not an answer from a cluster: say so, with the trace to
          // report
          cmd.getErr()
              .println("replication-setup: unexpected error (a bug in replication-setup): " + e);
          e.printStackTrace(cmd.getErr());
          return EXIT_INTERNAL;
        });
    return commandLine.execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** {@code --version} answers the same on every subcommand (picocli does not pass it down). */
  private static void versionEverywhere(CommandLine command, ToolVersion version) {
    command.getCommandSpec().versionProvider(version);
    command.getSubcommands().values().forEach(sub -> versionEverywhere(sub, version));
  }

  /** How to reach a cluster, shared by every subcommand. */
  static final class Connection {
    @Option(
        names = "--connect-timeout",
        defaultValue = "PT10S",
        description =
            "How long to try each cluster before giving up, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    ClusterAdmin connect(String address) {
      return ClusterAdmin.connect(address, connectTimeout);
    }

    /** Checks --connect-timeout before anything is connected to. */
    void check() {
      requirePositive("--connect-timeout", connectTimeout);
    }
  }

  /**
   * A duration option must be positive: a zero or negative wait or timeout would give up at once,
   * after a cluster was already changed.
   */
  static void requirePositive(String option, Duration value) {
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(
          option + " must be a positive duration (ISO-8601, e.g. PT30S), was " + value);
    }
  }

  /** The two clusters of a pair. */
  static final class Pair {
    @Option(
        names = "--cluster-a",
        required = true,
        description = "Frontend host:port of the first cluster (the active one for the drill).")
    String clusterA;

    @Option(
        names = "--cluster-b",
        required = true,
        description = "Frontend host:port of the second cluster.")
    String clusterB;

    /** Checks both addresses before anything is connected to. */
    void check() {
      ClusterAdmin.requireAddress("--cluster-a", clusterA);
      ClusterAdmin.requireAddress("--cluster-b", clusterB);
    }
  }

  @Command(
      name = "link",
      mixinStandardHelpOptions = true,
      description =
          "Links two clusters both ways, with the replication connection enabled, and waits until each lists the other.")
  static final class Link implements Callable<Integer> {
    @Mixin Pair pair;
    @Mixin Connection connection;

    @Option(
        names = "--disable-connection",
        description =
            "Link without enabling the connection (nothing replicates; for staged set-ups).")
    boolean disableConnection;

    @Option(
        names = "--wait",
        defaultValue = "PT60S",
        description =
            "How long to wait for each side to list the other, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration wait;

    @Override
    public Integer call() throws InterruptedException {
      pair.check();
      connection.check();
      requirePositive("--wait", wait);
      try (ClusterAdmin a = connection.connect(pair.clusterA);
          ClusterAdmin b = connection.connect(pair.clusterB)) {
        if (a.name().equals(b.name())) {
          throw new ReplicationException(
              ReplicationException.Kind.INVALID,
              "both clusters are named '"
                  + a.name()
                  + "': give each its own clusterMetadata.currentClusterName");
        }
        if (a.identity().initialFailoverVersion() == b.identity().initialFailoverVersion()) {
          throw new ReplicationException(
              ReplicationException.Kind.INVALID,
              "both clusters have initial failover version "
                  + a.identity().initialFailoverVersion()
                  + ": each needs its own (e.g. 1 and 2)");
        }
        a.link(b.address(), !disableConnection);
        b.link(a.address(), !disableConnection);
        Links.awaitMutual(a, b, wait);
        System.out.printf(
            "linked %s (%s) <-> %s (%s), connection %s%n",
            a.name(),
            a.address(),
            b.name(),
            b.address(),
            disableConnection ? "DISABLED" : "enabled");
        return 0;
      }
    }
  }

  @Command(
      name = "namespace",
      mixinStandardHelpOptions = true,
      description = "Global namespaces.",
      subcommands = {Namespace.Create.class})
  static final class Namespace implements Runnable {
    @Override
    public void run() {
      new CommandLine(this).usage(System.out);
    }

    @Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description =
            "Registers a global namespace on the master cluster; with --replica-address, waits until those replicas have it.")
    static final class Create implements Callable<Integer> {
      @ParentCommand Namespace parent;
      @Mixin Connection connection;

      @Option(
          names = "--address",
          required = true,
          description = "Frontend host:port of the master cluster.")
      String address;

      @Option(names = "--namespace", required = true, description = "Namespace name.")
      String namespace;

      @Option(
          names = "--global",
          description =
              "Replicate the namespace (required: local namespaces are `temporal operator namespace create`'s job).")
      boolean global;

      @Option(names = "--active", required = true, description = "Cluster that starts out active.")
      String active;

      @Option(
          names = "--clusters",
          required = true,
          split = ",",
          description =
              "Every cluster the namespace replicates to, comma-separated, the active one included.")
      List<String> clusters;

      @Option(
          names = "--retention",
          defaultValue = "P1D",
          description =
              "How long closed workflows are kept, ISO-8601, at least 24 h (default: ${DEFAULT-VALUE}).")
      Duration retention;

      @Option(
          names = "--replica-address",
          split = ",",
          description =
              "Frontends of the other clusters, to wait until each has the namespace (optional).")
      List<String> replicaAddresses;

      @Option(
          names = "--wait",
          defaultValue = "PT60S",
          description = "How long to wait for the replicas, ISO-8601 (default: ${DEFAULT-VALUE}).")
      Duration wait;

      @Override
      public Integer call() throws InterruptedException {
        if (!global) {
          throw new IllegalArgumentException(
              "--global is required: this tool creates replicated namespaces only");
        }
        GlobalNamespaceSpec spec = new GlobalNamespaceSpec(namespace, active, clusters, retention);
        connection.check();
        requirePositive("--wait", wait);
        ClusterAdmin.requireAddress("--address", address);
        for (String replica : Optional.ofNullable(replicaAddresses).orElse(List.of())) {
          ClusterAdmin.requireAddress("--replica-address", replica);
        }
        try (ClusterAdmin master = connection.connect(address)) {
          master.registerGlobalNamespace(spec);
          System.out.printf(
              "registered global namespace %s on %s: active %s, replicated to %s, retention %s%n",
              namespace, master.name(), active, clusters, retention);
        }
        for (String replica : Optional.ofNullable(replicaAddresses).orElse(List.of())) {
          try (ClusterAdmin standby = connection.connect(replica)) {
            Links.awaitNamespace(standby, namespace, wait);
            System.out.printf("  %s (%s) has it%n", standby.name(), standby.address());
          }
        }
        return 0;
      }
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Read-only: both clusters side by side — links, and each global namespace's active cluster, failover version and history.")
  static final class Status implements Callable<Integer> {
    @Mixin Pair pair;
    @Mixin Connection connection;

    @Option(
        names = "--namespace",
        description = "Only this namespace (default: every global namespace).")
    String namespace;

    @Override
    public Integer call() {
      pair.check();
      connection.check();
      try (ClusterAdmin a = connection.connect(pair.clusterA);
          ClusterAdmin b = connection.connect(pair.clusterB)) {
        System.out.print(StatusReport.render(a, b, namespace));
        return 0;
      }
    }
  }

  @Command(
      name = "failover",
      mixinStandardHelpOptions = true,
      description =
          "Makes a cluster the active one for a global namespace (ask either cluster; in a disaster, the survivor).")
  static final class Failover implements Callable<Integer> {
    @Mixin Connection connection;

    @Option(
        names = "--address",
        required = true,
        description = "Frontend host:port of the cluster to send the request to.")
    String address;

    @Option(names = "--namespace", required = true, description = "Global namespace to fail over.")
    String namespace;

    @Option(names = "--to", required = true, description = "Name of the cluster to make active.")
    String to;

    @Override
    public Integer call() {
      connection.check();
      ClusterAdmin.requireAddress("--address", address);
      try (ClusterAdmin cluster = connection.connect(address)) {
        NamespaceReplication before = cluster.describe(namespace);
        if (before.activeCluster().equals(to)) {
          System.out.printf(
              "%s is already active in %s (failover version %d); nothing to do%n",
              namespace, to, before.failoverVersion());
          return 0;
        }
        cluster.failover(namespace, to);
        NamespaceReplication after = cluster.describe(namespace);
        System.out.printf(
            "%s: active %s -> %s, failover version %d -> %d (requested via %s)%n",
            namespace,
            before.activeCluster(),
            after.activeCluster(),
            before.failoverVersion(),
            after.failoverVersion(),
            cluster.name());
        System.out.println(
            "transports serving this namespace re-check their open calls within 5 s of seeing"
                + " the new version (a forced failover's lost starts are issued again);"
                + " 'replication-setup recheck-calls --transport URL' asks them now");
        return 0;
      }
    }
  }

  @Command(
      name = "drill",
      mixinStandardHelpOptions = true,
      description =
          "Measured failover drill: workflows started on A, replication lag to B, failover to B, all finished on B, failback to A.")
  static final class Drill implements Callable<Integer> {
    @Mixin Pair pair;
    @Mixin Connection connection;

    @Option(
        names = "--namespace",
        defaultValue = "xcluster-drill",
        description =
            "Global namespace to drill on; registered if missing (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(
        names = "--workflows",
        defaultValue = "50",
        description = "How many workflows (default: ${DEFAULT-VALUE}).")
    int workflows;

    @Option(
        names = "--phase-timeout",
        defaultValue = "PT2M",
        description = "How long each phase may take, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration phaseTimeout;

    @Override
    public Integer call() {
      pair.check();
      connection.check();
      FailoverDrill.Settings settings =
          new FailoverDrill.Settings(namespace, workflows, phaseTimeout);
      if (pair.clusterA.strip().equalsIgnoreCase(pair.clusterB.strip())) {
        throw new IllegalArgumentException(
            "--cluster-a and --cluster-b are the same address ("
                + pair.clusterA
                + "): the drill fails over from one cluster to another");
      }
      try (ClusterAdmin a = connection.connect(pair.clusterA);
          ClusterAdmin b = connection.connect(pair.clusterB)) {
        if (a.name().equals(b.name())) {
          // two addresses of one cluster: a "failover" to itself would pass without proving
          // anything
          throw new ReplicationException(
              ReplicationException.Kind.INVALID,
              "--cluster-a "
                  + pair.clusterA
                  + " and --cluster-b "
                  + pair.clusterB
                  + " are the same cluster '"
                  + a.name()
                  + "': the drill fails over from one cluster to another");
        }
        DrillReport report =
            new FailoverDrill(a, b, settings, step -> System.err.println("drill: " + step)).run();
        System.out.println(report.describe());
        return report.passed() ? 0 : EXIT_REJECTED;
      }
    }
  }

  /** Waiting for what replicates asynchronously: cluster metadata and namespaces. */
  static final class Links {
    private Links() {}

    static void awaitMutual(ClusterAdmin a, ClusterAdmin b, Duration wait)
        throws InterruptedException {
      long deadline = System.nanoTime() + wait.toNanos();
      while (!(lists(a, b.name()) && lists(b, a.name()))) {
        if (System.nanoTime() > deadline) {
          throw new ReplicationException(
              ReplicationException.Kind.REJECTED,
              "the link was requested but after "
                  + wait.toSeconds()
                  + " s "
                  + a.name()
                  + " lists "
                  + names(a)
                  + " and "
                  + b.name()
                  + " lists "
                  + names(b)
                  + " (is system.clusterMetadataRefreshInterval long?)");
        }
        Thread.sleep(250);
      }
    }

    static void awaitNamespace(ClusterAdmin standby, String namespace, Duration wait)
        throws InterruptedException {
      long deadline = System.nanoTime() + wait.toNanos();
      while (standby.find(namespace).isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new ReplicationException(
              ReplicationException.Kind.REJECTED,
              standby.name()
                  + " does not have namespace "
                  + namespace
                  + " after "
                  + wait.toSeconds()
                  + " s; is the link's connection enabled?");
        }
        Thread.sleep(250);
      }
    }

    private static boolean lists(ClusterAdmin cluster, String other) {
      return cluster.linkedClusters().stream().anyMatch(c -> c.name().equals(other));
    }

    private static List<String> names(ClusterAdmin cluster) {
      return cluster.linkedClusters().stream().map(LinkedCluster::name).toList();
    }
  }
}
