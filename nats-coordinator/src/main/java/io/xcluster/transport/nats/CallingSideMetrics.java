package io.xcluster.transport.nats;

import io.xcluster.port.call.RemoteTarget;
import io.xcluster.port.spi.TransportMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The calling side's metrics, one set per destination. Calls name their destination; an outcome
 * names it in {@link WireHeaders#DESTINATION}, which the relay writes — and which is accepted as a
 * label value only if it is a namespace of the target cluster this side serves, and only for a few
 * distinct values: whoever can publish a result must not be able to mint series.
 */
final class CallingSideMetrics {

  static final int MAX_DESTINATIONS = 16;
  static final String UNKNOWN_NAMESPACE = "unknown";

  private final String targetCluster;
  private final Pattern valid;
  private final Map<String, TransportMetrics> byDestination = new ConcurrentHashMap<>();

  CallingSideMetrics(String targetCluster) {
    this.targetCluster = targetCluster;
    this.valid = Pattern.compile(Pattern.quote(targetCluster) + "/[A-Za-z0-9._-]{1,128}");
  }

  TransportMetrics forCall(RemoteTarget target) {
    return forDestination(target.cluster() + "/" + target.namespace());
  }

  /** For an outcome whose header said {@code reported} (null: the relay did not say). */
  TransportMetrics forOutcome(String reported) {
    return forDestination(reported);
  }

  private TransportMetrics forDestination(String destination) {
    TransportMetrics known = destination == null ? null : byDestination.get(destination);
    if (known != null) {
      return known;
    }
    String label =
        destination != null
                && valid.matcher(destination).matches()
                && byDestination.size() < MAX_DESTINATIONS
            ? destination
            : targetCluster + "/" + UNKNOWN_NAMESPACE;
    return byDestination.computeIfAbsent(label, l -> TransportMetrics.of(NatsTransport.NAME, l));
  }
}
