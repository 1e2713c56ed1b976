package io.xcluster.runtime.launch;

import io.xcluster.port.cluster.ClusterEndpoint;
import io.xcluster.port.protection.DestinationLimits;
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
 * @param callbacks where the target cluster can push outcomes to the transport, when it allows
 *     callbacks there; else null (outcomes are fetched, as every transport can)
 * @param limits the caps and circuit breaker for the transport's calls to the target; null: {@link
 *     DestinationLimits#DEFAULTS}
 */
public record TransportLaunch(
    ClusterEndpoint source,
    ClusterEndpoint target,
    Set<String> allowedWorkflowTypes,
    String natsUrl,
    ServiceTracing tracing,
    boolean quickRecovery,
    CallbackEndpoint callbacks,
    DestinationLimits limits) {

  public TransportLaunch(
      ClusterEndpoint source,
      ClusterEndpoint target,
      Set<String> allowedWorkflowTypes,
      String natsUrl,
      ServiceTracing tracing,
      boolean quickRecovery) {
    this(source, target, allowedWorkflowTypes, natsUrl, tracing, quickRecovery, null, null);
  }

  public TransportLaunch {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    allowedWorkflowTypes =
        allowedWorkflowTypes == null ? Set.of() : Set.copyOf(allowedWorkflowTypes);
    tracing = tracing == null ? ServiceTracing.disabled() : tracing;
    limits = limits == null ? DestinationLimits.DEFAULTS : limits;
  }

  /**
   * Between {@code source} and {@code target}, any workflow type, no broker, no tracing, production
   * timeouts.
   */
  public static TransportLaunch between(ClusterEndpoint source, ClusterEndpoint target) {
    return new TransportLaunch(source, target, Set.of(), null, null, false);
  }

  public TransportLaunch allowing(Set<String> workflowTypes) {
    return new TransportLaunch(
        source, target, workflowTypes, natsUrl, tracing, quickRecovery, callbacks, limits);
  }

  /** The same launch reaching the calling cluster at {@code endpoint} (e.g. through a proxy). */
  public TransportLaunch withSource(ClusterEndpoint endpoint) {
    return new TransportLaunch(
        endpoint, target, allowedWorkflowTypes, natsUrl, tracing, quickRecovery, callbacks, limits);
  }

  /** The same launch reaching the target cluster at {@code endpoint}. */
  public TransportLaunch withTarget(ClusterEndpoint endpoint) {
    return new TransportLaunch(
        source, endpoint, allowedWorkflowTypes, natsUrl, tracing, quickRecovery, callbacks, limits);
  }

  public TransportLaunch withNatsUrl(String url) {
    return new TransportLaunch(
        source, target, allowedWorkflowTypes, url, tracing, quickRecovery, callbacks, limits);
  }

  public TransportLaunch withQuickRecovery() {
    return new TransportLaunch(
        source, target, allowedWorkflowTypes, natsUrl, tracing, true, callbacks, limits);
  }

  /** The same launch, offering the target cluster {@code endpoint} to push outcomes to. */
  public TransportLaunch withCallbacks(CallbackEndpoint endpoint) {
    return new TransportLaunch(
        source, target, allowedWorkflowTypes, natsUrl, tracing, quickRecovery, endpoint, limits);
  }

  /** The same launch without a callback endpoint: the transport fetches every outcome. */
  public TransportLaunch withoutCallbacks() {
    return withCallbacks(null);
  }

  /** The same launch with these caps and circuit breaker for the calls to the target. */
  public TransportLaunch withLimits(DestinationLimits destinationLimits) {
    return new TransportLaunch(
        source,
        target,
        allowedWorkflowTypes,
        natsUrl,
        tracing,
        quickRecovery,
        callbacks,
        destinationLimits);
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
