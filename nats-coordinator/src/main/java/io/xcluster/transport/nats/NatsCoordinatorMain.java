package io.xcluster.transport.nats;

import io.xcluster.port.cluster.ClusterConnection;
import io.xcluster.runtime.cli.DestinationLimitsOptions;
import io.xcluster.runtime.cli.ServiceVersion;
import io.xcluster.runtime.cli.TwoClusterOptions;
import io.xcluster.runtime.config.ConfigException;
import io.xcluster.runtime.config.NatsAccess;
import io.xcluster.runtime.config.TemporalProfiles.ResolvedCluster;
import io.xcluster.runtime.http.RecheckRoute;
import io.xcluster.runtime.lifecycle.ServiceMain;
import io.xcluster.runtime.lifecycle.ServiceProcess;
import io.xcluster.runtime.lifecycle.ServiceStart;
import io.xcluster.tracing.ServiceTracing;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs one NATS coordinator process — the calling side, the target side, or both — until SIGTERM /
 * Ctrl-C.
 */
@Command(
    name = "nats-coordinator",
    mixinStandardHelpOptions = true,
    versionProvider = ServiceVersion.class,
    sortOptions = false,
    description = {
      "Carries cross-cluster calls over JetStream: publishes calls from the calling cluster's queue,"
          + " runs them as workflows on the target cluster, and signals the outcomes back.",
      "NATS: NATS_URL, NATS_CREDS or NATS_USER/NATS_PASSWORD, and TLS as PEM files NATS_CA, NATS_CERT, NATS_KEY"
          + " (the last two for mutual TLS). Clusters come from Temporal profiles named after them"
          + " (TEMPORAL_CONFIG_FILE), then from the flags below. Tracing: OTEL_TRACES_EXPORTER=otlp and the other OTEL_* variables.",
      ""
    })
public final class NatsCoordinatorMain extends ServiceMain {

  /**
   * Its HTTP port unless XCLUSTER_HTTP_PORT or --http-port says otherwise; each service has its
   * own, so all run side by side.
   */
  public static final int HTTP_PORT = 8083;

  /** The service name in traces and logs. */
  public static final String SERVICE_NAME = "nats-coordinator";

  @Option(
      names = "--side",
      defaultValue = "${env:XCLUSTER_NATS_SIDE:-both}",
      converter = SideConverter.class,
      description =
          "calling (next to the calling cluster), target (next to the target cluster) or both"
              + " (env XCLUSTER_NATS_SIDE, default: ${DEFAULT-VALUE}).")
  NatsCoordinator.Side side;

  @Option(
      names = "--nats-url",
      description =
          "NATS server(s) with JetStream; overrides NATS_URL (default: "
              + NatsAccess.DEFAULT_URL
              + ").")
  String natsUrl;

  @Mixin TwoClusterOptions clusters;

  @Mixin DestinationLimitsOptions limits;

  @Option(
      names = "--allow-workflow-type",
      defaultValue = "${env:XCLUSTER_ALLOWED_WORKFLOW_TYPES}",
      description =
          "Remote workflow types the relay may start, comma-separated, or * for any type (not for"
              + " production); a call for another type is dead-lettered. Required for --side target"
              + " or both (env XCLUSTER_ALLOWED_WORKFLOW_TYPES, default: none).")
  List<String> allowedWorkflowTypes;

  @Option(
      names = "--results-subject",
      split = ",",
      defaultValue = "${env:XCLUSTER_NATS_RESULTS_SUBJECTS}",
      description =
          "Subjects the relay may publish outcomes to, comma-separated, NATS wildcards allowed, each under"
              + " xcluster.results.; a call asking for its outcome elsewhere is dead-lettered before it starts"
              + " (env XCLUSTER_NATS_RESULTS_SUBJECTS, default: xcluster.results.*).")
  Set<String> resultsSubjects;

  @Option(
      names = "--duplicate-window",
      defaultValue = "${env:XCLUSTER_NATS_DUPLICATE_WINDOW:-2m}",
      description =
          "JetStream de-duplication window of the call streams, e.g. 2m or PT2M (env XCLUSTER_NATS_DUPLICATE_WINDOW, default: ${DEFAULT-VALUE}).")
  Duration duplicateWindow;

  @Option(
      names = "--stream-replicas",
      defaultValue = "${env:XCLUSTER_NATS_STREAM_REPLICAS:-0}",
      description =
          "Copies of each stream and of the cancel-marker bucket, 1 to 5: 1 on a single nats-server, 3 on a"
              + " 3-node JetStream cluster; 0 keeps what each existing stream has (a new one gets 1)"
              + " (env XCLUSTER_NATS_STREAM_REPLICAS, default: ${DEFAULT-VALUE}).")
  String streamReplicas;

  @Option(
      names = "--jetstream-domain",
      defaultValue = "${env:XCLUSTER_NATS_JETSTREAM_DOMAIN}",
      description =
          "The JetStream domain the streams live in, where this side's nats-server is a leaf node"
              + " without JetStream in another region (env XCLUSTER_NATS_JETSTREAM_DOMAIN, default:"
              + " the server's own JetStream).")
  String jetStreamDomain;

  @Option(
      names = "--provisioned-streams",
      defaultValue = "${env:XCLUSTER_NATS_PROVISIONED_STREAMS:-false}",
      description =
          "An admin provisions the streams and the cancel-marker bucket (--provision-streams): only"
              + " check that they exist, never create or change them, so this side's NATS user needs"
              + " no right to (env XCLUSTER_NATS_PROVISIONED_STREAMS, default: ${DEFAULT-VALUE}).")
  boolean provisionedStreams;

  @Option(
      names = "--provision-streams",
      description =
          "Create or update the streams and the cancel-marker bucket with these settings"
              + " (--stream-replicas, --duplicate-window), with the NATS credentials given (an"
              + " admin's), print what was done, then exit.")
  boolean provisionStreams;

  @Option(
      names = "--print-nats-permissions",
      description =
          "Print, for the side(s) of --side and these settings, the least NATS permissions as users of a"
              + " nats-server authorization block (user and password to fill in), then exit.")
  boolean printPermissions;

  public NatsCoordinatorMain() {
    super(SERVICE_NAME, HTTP_PORT);
  }

  public static void main(String[] args) {
    System.exit(new NatsCoordinatorMain().execute(args));
  }

  @Override
  protected int serve(ServiceStart start) {
    clusters.requireClusterNames();
    NatsAccess access = NatsAccess.fromEnvironment(natsUrl, start.env());
    NatsSettings settings;
    try {
      settings = NatsSettings.defaults(access).withDuplicateWindow(duplicateWindow);
    } catch (IllegalArgumentException invalid) {
      throw ConfigException.invalid(
          "--duplicate-window / XCLUSTER_NATS_DUPLICATE_WINDOW",
          duplicateWindow,
          invalid.getMessage());
    }
    try {
      settings = settings.withStreamReplicas(Integer.parseInt(streamReplicas.trim()));
    } catch (IllegalArgumentException invalid) {
      throw ConfigException.invalid(
          "--stream-replicas / XCLUSTER_NATS_STREAM_REPLICAS",
          streamReplicas,
          invalid instanceof NumberFormatException ? "not a whole number" : invalid.getMessage());
    }
    try {
      settings = settings.withJetStreamDomain(jetStreamDomain);
    } catch (IllegalArgumentException invalid) {
      throw ConfigException.invalid(
          "--jetstream-domain / XCLUSTER_NATS_JETSTREAM_DOMAIN",
          jetStreamDomain,
          invalid.getMessage());
    }
    if (resultsSubjects != null) {
      Set<String> subjects =
          resultsSubjects.stream()
              .map(String::trim)
              .filter(subject -> !subject.isEmpty())
              .collect(java.util.stream.Collectors.toSet());
      try {
        settings = settings.withResultsSubjects(subjects);
      } catch (IllegalArgumentException invalid) {
        throw ConfigException.invalid(
            "--results-subject / XCLUSTER_NATS_RESULTS_SUBJECTS",
            String.join(",", subjects),
            invalid.getMessage());
      }
    }
    AllowedWorkflowTypes allowed =
        allowedWorkflowTypes == null ? null : AllowedWorkflowTypes.parse(allowedWorkflowTypes);
    if (allowed != null) {
      settings = allowed.applyTo(settings);
    }
    if (access.tls() != null) {
      access.sslContext(); // unusable PEM files stop start-up here, with the setting's name
    }
    settings = settings.withStreamsProvisioned(provisionedStreams).withLimits(limits.limits());
    if (provisionStreams) {
      return provision(settings);
    }
    if (printPermissions) {
      if (provisionedStreams) {
        System.out.println(
            NatsPermissions.provisioner(settings).asUser("xcluster-admin", "$ADMIN_PASSWORD"));
      }
      if (side != NatsCoordinator.Side.TARGET) {
        System.out.println(
            NatsPermissions.callingSide(settings, clusters.sourceCluster, clusters.targetCluster)
                .asUser(clusters.sourceCluster + "-calling", "$CALLING_PASSWORD"));
      }
      if (side != NatsCoordinator.Side.CALLING) {
        System.out.println(
            NatsPermissions.targetSide(settings, clusters.targetCluster)
                .asUser(clusters.targetCluster + "-relay", "$RELAY_PASSWORD"));
      }
      return 0;
    }
    // only the cluster(s) this side talks to must be configured: a calling side need not see
    // eu-west's TLS files
    ResolvedCluster source =
        side != NatsCoordinator.Side.TARGET ? clusters.source(start.profiles()) : null;
    ResolvedCluster target =
        side != NatsCoordinator.Side.CALLING ? clusters.target(start.profiles()) : null;
    // the last check before anything is dialled: a relay without an allow-list would start any
    // workflow type for whoever can publish on the calls subject
    if (target != null && allowed == null) {
      throw AllowedWorkflowTypes.missing(side);
    }
    ServiceStart.Running running = start.run();
    ServiceProcess process = running.process();
    ServiceTracing tracing = running.tracing();
    ClusterConnection targetConnection = target == null ? null : running.connect("target", target);
    ClusterConnection sourceConnection = source == null ? null : running.connect("calling", source);
    // NATS down at start-up is retried like a cluster that is down (NatsCoordinator says so with
    // IllegalStateException)
    NatsSettings coordinatorSettings = settings;
    ClusterConnection callingSide = sourceConnection;
    ClusterConnection targetSide = targetConnection;
    NatsCoordinator coordinator =
        process.retryWhileUnreachable(
            () ->
                NatsCoordinator.start(
                    coordinatorSettings, callingSide, targetSide, clusters.targetCluster, tracing),
            IllegalStateException.class);
    process.onStop(() -> coordinator.close(service.shutdownGrace));
    process.health().require("nats", coordinator::natsConnected);
    if (target != null) {
      process
          .health()
          .inform(
              "breaker " + target.endpoint().name(),
              () -> coordinator.describeBreaker().orElse("none"));
      coordinator
          .failoverRepair()
          .ifPresent(repair -> RecheckRoute.serveOn(running.http(), repair));
    }
    process
        .log()
        .info(
            "nats coordinator up: side {}, {} -> {} via {}",
            side.name().toLowerCase(),
            source == null ? clusters.sourceCluster : source.endpoint().address(),
            target == null ? clusters.targetCluster : target.endpoint().address(),
            access.describe());
    if (target != null && allowed.anyType()) {
      process
          .log()
          .warn(
              "the relay may start any workflow type ({}='{}'): name the types in production",
              AllowedWorkflowTypes.SETTING,
              AllowedWorkflowTypes.ANY);
    }
    return running.serveUntilStopped();
  }

  /**
   * --provision-streams: the admin's one-off set-up; a broker that cannot be reached or refuses is
   * one line on stderr and exit code 1, so a deployment job retries it.
   */
  private static int provision(NatsSettings settings) {
    try (io.nats.client.Connection connection =
        NatsConnections.connect(settings.access(), "xcluster-provision-streams")) {
      JetStreamTopology.provision(connection, settings).forEach(System.out::println);
      return 0;
    } catch (Exception e) {
      System.err.println(
          "nats-coordinator: cannot provision the streams on "
              + settings.url()
              + ": "
              + (e instanceof InterruptedException ? "interrupted" : e.getMessage()));
      return 1;
    }
  }

  /** Accepts calling / target / both in any case, with one clear error otherwise. */
  static final class SideConverter implements CommandLine.ITypeConverter<NatsCoordinator.Side> {
    @Override
    public NatsCoordinator.Side convert(String value) {
      for (NatsCoordinator.Side candidate : NatsCoordinator.Side.values()) {
        if (candidate.name().equalsIgnoreCase(value)) {
          return candidate;
        }
      }
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a side; use calling, target or both");
    }
  }
}
