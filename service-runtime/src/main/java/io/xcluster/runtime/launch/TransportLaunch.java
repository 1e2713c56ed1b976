package io.xcluster.runtime.launch;

import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.tracing.ServiceTracing;
import java.util.Objects;
import java.util.Set;

/**
 * Where and how a transport is to run.
 *
 * @param source the calling cluster
 * @param target the cluster the calls go to
 * @param allowedWorkflowTypes the remote workflow types the transport may start (empty: any)
 * @param natsUrl the JetStream server, for a transport that {@link
 *     TransportLauncher#needsJetStream() needs one}; else null
 * @param tracing how the in-process transport traces (a process traces per its own OTEL_*
 *     environment)
 * @param quickRecovery tests: notice a dead process and redeliver within seconds, not the
 *     production timeouts
 */
public record TransportLaunch(
    ClusterEndpoint source,
    ClusterEndpoint target,
    Set<String> allowedWorkflowTypes,
    String natsUrl,
    ServiceTracing tracing,
    boolean quickRecovery) {

  public TransportLaunch {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    allowedWorkflowTypes =
        allowedWorkflowTypes == null ? Set.of() : Set.copyOf(allowedWorkflowTypes);
    tracing = tracing == null ? ServiceTracing.disabled() : tracing;
  }

  /**
   * Between {@code source} and {@code target}, any workflow type, no broker, no tracing, production
   * timeouts.
   */
  public static TransportLaunch between(ClusterEndpoint source, ClusterEndpoint target) {
    return new TransportLaunch(source, target, Set.of(), null, null, false);
  }

  public TransportLaunch allowing(Set<String> workflowTypes) {
    return new TransportLaunch(source, target, workflowTypes, natsUrl, tracing, quickRecovery);
  }

  public TransportLaunch withNatsUrl(String url) {
    return new TransportLaunch(source, target, allowedWorkflowTypes, url, tracing, quickRecovery);
  }

  public TransportLaunch tracedBy(ServiceTracing serviceTracing) {
    return new TransportLaunch(
        source, target, allowedWorkflowTypes, natsUrl, serviceTracing, quickRecovery);
  }

  public TransportLaunch withQuickRecovery() {
    return new TransportLaunch(source, target, allowedWorkflowTypes, natsUrl, tracing, true);
  }

  /** The NATS URL, or one clear error naming the transport that needs it. */
  public String requireNatsUrl(String transport) {
    if (natsUrl == null || natsUrl.isBlank()) {
      throw new IllegalArgumentException(
          "the "
              + transport
              + " transport needs a JetStream-enabled NATS server, and none was given");
    }
    return natsUrl;
  }
}
