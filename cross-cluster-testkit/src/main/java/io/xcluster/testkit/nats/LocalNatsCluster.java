package io.xcluster.testkit.nats;

import io.xcluster.testkit.process.LoopbackPorts;
import io.xcluster.testkit.process.SupervisedProcess;
import io.xcluster.testkit.tools.ToolBinary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A JetStream cluster of three real {@code nats-server} nodes on loopback, as production runs NATS
 * (or, to compare against, a single node: {@link Shape}): every node with its own file store,
 * {@code sync_interval: always} (each write on disk before it is acknowledged, so losing every node
 * at once loses nothing acknowledged), routes between all of them. Needs nats-server 2.10 or later
 * ({@link ToolBinary#NATS_CLUSTER_SERVER}, built by {@code scripts/install-tools.sh nats-cluster}).
 * Nodes stop, die and start again one by one, keeping their ports and stores.
 */
public final class LocalNatsCluster implements AutoCloseable {

  public static final int NODES = 3;

  /** The cluster's name, as the nodes' configuration and stream placement give it. */
  public static final String CLUSTER_NAME = "xcluster-nats";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /**
   * How many nodes, and whether each write reaches the disk before it is acknowledged. A single
   * node runs without a cluster block: the quick-try deployment, for comparing against.
   *
   * @param nodes 1, or {@value #NODES} for a cluster
   * @param syncEveryWrite {@code sync_interval: always}; otherwise nats-server's default (every 2
   *     min)
   */
  public record Shape(int nodes, boolean syncEveryWrite) {
    /** As production runs NATS: three nodes, every write synced. */
    public static final Shape PRODUCTION = new Shape(NODES, true);

    public Shape {
      if (nodes != 1 && nodes != NODES) {
        throw new IllegalArgumentException(
            "a local NATS deployment has 1 or " + NODES + " nodes, not " + nodes);
      }
    }

    /** E.g. "3 nodes, sync_interval: always". */
    public String describe() {
      return (nodes == 1 ? "1 node" : nodes + " nodes")
          + (syncEveryWrite ? ", sync_interval: always" : ", default sync (every 2 min)");
    }
  }

  /** One node: its server name (what a stream's cluster info calls its leader) and process. */
  public record Node(
      String serverName, int clientPort, int monitoringPort, SupervisedProcess process) {}

  private final List<Node> nodes;
  private final Path throwAwayDir;

  private LocalNatsCluster(List<Node> nodes, Path throwAwayDir) {
    this.nodes = List.copyOf(nodes);
    this.throwAwayDir = throwAwayDir;
  }

  /**
   * Whether tests can have the cluster's nats-server; see {@link ToolBinary#availableForTests()}.
   */
  public static boolean availableForTests() {
    return ToolBinary.NATS_CLUSTER_SERVER.availableForTests();
  }

  /** A cluster in a temporary directory that {@link #close()} deletes: for tests. */
  public static LocalNatsCluster startThrowAway() {
    return startThrowAway(List.of());
  }

  /** As {@link #startThrowAway()}, with {@code configLines} added to every node's configuration. */
  public static LocalNatsCluster startThrowAway(List<String> configLines) {
    return startThrowAway(Shape.PRODUCTION, configLines);
  }

  /** A deployment of another {@code shape} (e.g. one node, to compare against) for tests. */
  public static LocalNatsCluster startThrowAway(Shape shape, List<String> configLines) {
    try {
      Path dir = Files.createTempDirectory("nats-cluster-");
      return start(shape, dir, configLines, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts the three nodes with their stores and logs under {@code workDir/<server name>/}, with
   * {@code configLines} added to every node's configuration (e.g. {@code accounts { ... }}).
   */
  public static LocalNatsCluster start(Path workDir, List<String> configLines) {
    return start(Shape.PRODUCTION, workDir, configLines, null);
  }

  private static LocalNatsCluster start(
      Shape shape, Path workDir, List<String> configLines, Path throwAway) {
    Path binary = ToolBinary.NATS_CLUSTER_SERVER.require();
    int count = shape.nodes();
    int[] clientPorts = IntStream.range(0, count).map(i -> LoopbackPorts.free()).toArray();
    int[] routePorts = IntStream.range(0, count).map(i -> LoopbackPorts.free()).toArray();
    int[] monitoringPorts = IntStream.range(0, count).map(i -> LoopbackPorts.free()).toArray();
    String routes =
        IntStream.of(routePorts)
            .mapToObj(p -> "\"nats-route://127.0.0.1:" + p + "\"")
            .collect(Collectors.joining(", "));
    List<Node> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        String name = "n" + (i + 1);
        Path dir = workDir.resolve(name);
        List<String> config =
            new ArrayList<>(
                List.of(
                    "server_name: " + name,
                    "host: 127.0.0.1",
                    "port: " + clientPorts[i],
                    "http: \"127.0.0.1:" + monitoringPorts[i] + "\"",
                    "jetstream {",
                    "  store_dir: \"" + dir.resolve("jetstream").toAbsolutePath() + "\""));
        if (shape.syncEveryWrite()) {
          // fsync before every acknowledgement: the default (2 min) loses acknowledged writes
          // when every node loses power at once
          config.add("  sync_interval: always");
        }
        config.add("}");
        if (count > 1) {
          config.addAll(
              List.of(
                  "cluster {",
                  "  name: " + CLUSTER_NAME,
                  "  listen: \"127.0.0.1:" + routePorts[i] + "\"",
                  "  routes: [" + routes + "]",
                  "}"));
        }
        config.addAll(configLines);
        Path configFile = dir.resolve("nats-server.conf");
        Files.createDirectories(dir);
        Files.write(configFile, config);
        int monitoring = monitoringPorts[i];
        // a lone node cannot elect a JetStream meta leader: ready once it serves, the cluster
        // once all nodes agree (below)
        SupervisedProcess process =
            SupervisedProcess.start(
                "nats-server " + name + " on 127.0.0.1:" + clientPorts[i],
                List.of(binary.toString(), "-c", configFile.toAbsolutePath().toString()),
                Map.of(),
                dir.resolve("nats-server.log"),
                started -> LocalNatsServer.healthy(monitoring, "?js-server-only=true"),
                START_TIMEOUT);
        nodes.add(new Node(name, clientPorts[i], monitoring, process));
      }
    } catch (IOException | RuntimeException e) {
      nodes.forEach(n -> n.process().kill());
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot write the cluster's configuration: " + io, io);
      }
      throw (RuntimeException) e;
    }
    LocalNatsCluster cluster = new LocalNatsCluster(nodes, throwAway);
    try {
      cluster.awaitHealthy();
    } catch (RuntimeException e) {
      cluster.close(); // no node outlives a cluster that never became healthy
      throw e;
    }
    return cluster;
  }

  /** Waits until every running node reports JetStream healthy (a meta leader, streams current). */
  public void awaitHealthy() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    for (Node node : nodes) {
      if (!node.process().isAlive()) {
        continue;
      }
      while (!LocalNatsServer.healthy(node.monitoringPort(), "")) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "NATS cluster not healthy within "
                  + START_TIMEOUT.toSeconds()
                  + " s: "
                  + node.serverName()
                  + " still reports JetStream unhealthy; see "
                  + node.process().logFile());
        }
        sleep(Duration.ofMillis(200));
      }
    }
  }

  /** Every node's client URL, comma-separated, as NATS clients take a server list. */
  public String url() {
    return nodes.stream()
        .map(n -> "nats://127.0.0.1:" + n.clientPort())
        .collect(Collectors.joining(","));
  }

  public List<Node> nodes() {
    return nodes;
  }

  /** The node named {@code serverName} (n1, n2, n3). */
  public Node node(String serverName) {
    return nodes.stream()
        .filter(n -> n.serverName().equals(serverName))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node named " + serverName));
  }

  /** SIGKILL to one node: a host lost, nothing flushed beyond what was synced. */
  public void kill(String serverName) {
    node(serverName).process().kill();
  }

  /**
   * Starts a stopped or killed node again on its port and store, and waits until the cluster is
   * healthy (the node has caught up): taking another node away before then could leave a stream
   * without a quorum.
   */
  public void startAgain(String serverName) {
    node(serverName).process().startAgain();
    awaitHealthy();
  }

  /** SIGKILL to every node at once: the power-loss case. */
  public void killAll() {
    nodes.parallelStream().forEach(n -> n.process().kill());
  }

  /** Starts every node that is down, then waits until the cluster is healthy again. */
  public void startAllAgain() {
    nodes.stream().filter(n -> !n.process().isAlive()).forEach(n -> n.process().startAgain());
    awaitHealthy();
  }

  @Override
  public void close() {
    RuntimeException failed = null;
    for (Node node : nodes) {
      try {
        node.process().stop();
      } catch (RuntimeException e) {
        // stop the others all the same; report the first failure
        failed = failed == null ? e : failed;
      }
    }
    if (failed != null) {
      throw failed;
    }
    if (throwAwayDir != null) {
      try (Stream<Path> files = Files.walk(throwAwayDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete " + throwAwayDir, e);
      }
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the NATS cluster", e);
    }
  }
}
