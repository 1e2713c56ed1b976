package io.xcluster.localstack.cli;

import io.xcluster.localstack.demo.LiveOrderWalkthrough;
import io.xcluster.localstack.demo.OrderDemo;
import io.xcluster.localstack.stack.ClusterKind;
import io.xcluster.localstack.stack.LocalStack;
import io.xcluster.localstack.stack.StackOptions;
import io.xcluster.port.cluster.ClusterUnreachableException;
import io.xcluster.runtime.cli.ServiceCommandLine;
import io.xcluster.runtime.config.ConfigException;
import io.xcluster.runtime.http.HttpLimits;
import io.xcluster.runtime.http.ServiceHealth;
import io.xcluster.runtime.http.ServiceHttpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code local-stack demo | serve | reliability-report | replication-drill}: the system on two
 * clusters, embedded or real (the benchmark is bench/).
 */
@Command(
    name = "local-stack",
    mixinStandardHelpOptions = true,
    description =
        "Runs us-east and eu-west on two Temporal clusters (embedded, or real servers with --stack real) with a cross-cluster transport.",
    subcommands = {
      LocalStackMain.Demo.class,
      LocalStackMain.Serve.class,
      io.xcluster.localstack.reliability.ReliabilityReportCommand.class,
      ReplicationDrillCommand.class
    })
public final class LocalStackMain implements Runnable {

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(execute(args));
  }

  public static int execute(String... args) {
    CommandLine commandLine = ServiceCommandLine.forTool("local-stack", new LocalStackMain());
    commandLine.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          // bad configuration and unreachable clusters get one line, not a stack trace
          if (e instanceof IllegalArgumentException
              || e instanceof IllegalStateException
              || e instanceof ConfigException
              || e instanceof ClusterUnreachableException) {
            cmd.getErr().println("local-stack: " + e.getMessage());
            return 2;
          }
          throw e;
        });
    return commandLine.execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /**
   * Refuses a --metrics-port that is out of range or already taken before the stack is started (one
   * line, exit 2), rather than after.
   */
  static void requireFreeMetricsPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "--metrics-port must be a port from 1 to 65535 (0 = any free port), was " + port);
    }
    if (port == 0) {
      return;
    }
    try (java.net.ServerSocket probe =
        new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
    } catch (java.io.IOException taken) {
      throw new IllegalArgumentException(
          "--metrics-port "
              + port
              + ": cannot listen on 127.0.0.1:"
              + port
              + ": "
              + taken.getMessage());
    }
  }

  static LocalStack startStack(StackOptions options) {
    return LocalStack.start(options, step -> System.err.println("local-stack: " + step));
  }

  @Command(
      name = "demo",
      mixinStandardHelpOptions = true,
      description =
          "Places orders in us-east, follows each through eu-west and back; exits 0 only if every order ends as expected.")
  static final class Demo implements Callable<Integer> {
    /** Slow enough to watch the live order's stages, quick enough for the batch. */
    static final Duration DEMO_WAREHOUSE_DELAY = Duration.ofSeconds(1);

    @Mixin StackMixin stack;

    @Option(
        names = "--orders",
        defaultValue = "20",
        description = "How many orders to place (default: ${DEFAULT-VALUE}).")
    int orders;

    @Option(
        names = "--with-failures",
        description = "Make every 5th order ask for an unknown SKU: it must end FAILED, refunded.")
    boolean withFailures;

    @Option(
        names = "--wait",
        defaultValue = "PT5M",
        description =
            "How long to wait for all orders, e.g. 5m or PT5M (default: ${DEFAULT-VALUE}).")
    Duration wait;

    @Override
    public Integer call() throws InterruptedException {
      if (orders < 1) {
        throw new IllegalArgumentException("--orders must be at least 1, was " + orders);
      }
      if (wait.isZero() || wait.isNegative()) {
        throw new IllegalArgumentException(
            "--wait must be a positive duration (e.g. 5m or PT5M), was " + wait);
      }
      StackOptions options = stack.toOptions(DEMO_WAREHOUSE_DELAY);
      try (LocalStack running = startStack(options)) {
        String runId = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        List<OrderDemo.Placed> results =
            new OrderDemo(running.orderPlacement(), System.out, System.err)
                .run(runId, orders, withFailures, wait);
        boolean live = true;
        if (options.simulation().stepDelay().compareTo(LiveOrderWalkthrough.SLOWEST_WATCHABLE_STEP)
            < 0) {
          System.out.printf(
              "%nlive order skipped: with --warehouse-delay below %s its stages pass too quickly"
                  + " to watch%n",
              LiveOrderWalkthrough.SLOWEST_WATCHABLE_STEP);
        } else {
          LiveOrderWalkthrough.Seen seen =
              new LiveOrderWalkthrough(
                      running.orderPlacement(), running.usEast().client(), System.out)
                  .run(runId, wait);
          live = seen.complete();
          if (!live) {
            System.out.println("live order: NOT the full story: " + seen);
          }
        }
        return OrderDemo.allAsExpected(results) && live ? 0 : 1;
      }
    }
  }

  /** Where this stack's metrics are: this JVM's, and each Temporal server's when it runs one. */
  static List<String> metricsUrls(LocalStack running, int jvmMetricsPort) {
    List<String> urls = new ArrayList<>();
    urls.add("workers and transport  http://127.0.0.1:" + jvmMetricsPort + "/metrics");
    if (running.clusters().kind().runsServerProcesses()) {
      urls.add(
          "us-east server         http://"
              + running.clusters().usEastServer().metricsAddress()
              + "/metrics");
      urls.add(
          "eu-west server         http://"
              + running.clusters().euWestServer().metricsAddress()
              + "/metrics");
    }
    return urls;
  }

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description =
          "Starts the stack and keeps it running until Ctrl-C; prints the endpoints once ready.")
  static final class Serve implements Callable<Integer> {
    @Mixin StackMixin stack;

    @Option(
        names = "--metrics-port",
        description =
            "Port of this JVM's /metrics on 127.0.0.1 (the workers' and the transport's; 0 = any"
                + " free port; default: ${DEFAULT-VALUE}).")
    int metricsPort = 0;

    @Override
    public Integer call() throws InterruptedException {
      StackOptions options = stack.toOptions();
      requireFreeMetricsPort(metricsPort);
      LocalStack running = startStack(options);
      ServiceHttpServer metricsServer;
      try {
        metricsServer =
            ServiceHttpServer.start(
                "127.0.0.1",
                metricsPort,
                new ServiceHealth(),
                "--metrics-port (its host, 127.0.0.1)",
                "--metrics-port",
                HttpLimits.DEFAULTS,
                running.metrics()::serveOn);
      } catch (RuntimeException e) {
        // taken between the check and now: the stack goes down again, the reason in one line
        running.close();
        throw e;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    metricsServer.close();
                    running.close();
                    stopped.countDown();
                  },
                  "local-stack-shutdown"));
      String usEast = running.usEast().endpoint().address();
      String euWest = running.euWest().endpoint().address();
      // the production-like frontends take mTLS only: the CLI reads the stack's profile file, as
      // the services do
      String cliTarget =
          running.clusters().kind() == ClusterKind.POSTGRES
              ? "--config-file "
                  + running.clusters().productionLike().profileFile()
                  + " --profile us-east --tls"
              : "--address " + usEast;
      System.out.println(
          """
          local-stack ready (Ctrl-C stops it)
            us-east  %s  namespace default  queues: orders, %s
            eu-west  %s  namespace default  queue: fulfillment
            transport: %s
          Place an order with the Temporal CLI:
            temporal workflow start %s --task-queue orders --type OrderWorkflow \\
              --workflow-id order-1 --input '{"orderId":"order-1","customerId":"c-1","lines":[{"sku":"SKU-001","quantity":1}],"amountCents":4200,"currency":"USD","destinationCountry":"DE"}'
            temporal workflow query %s --workflow-id order-1 --type status
          Metrics (Prometheus text; docs/operations.md):
            %s"""
              .formatted(
                  usEast,
                  running.orderSettings().route().taskQueue(),
                  euWest,
                  running.orderSettings().route().transport(),
                  cliTarget,
                  cliTarget,
                  String.join("\n  ", metricsUrls(running, metricsServer.port()))));
      stopped.await();
      return 0;
    }
  }
}
