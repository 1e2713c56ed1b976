package io.xcluster.localstack.stack;

/** Which Temporal servers the local stack runs on. */
public enum ClusterKind {
  /** Temporal's in-process Java test server, one per region: needs only a JDK. */
  EMBEDDED,
  /** Real Temporal servers ({@code temporal server start-dev}), one process per region, plus a real nats-server. */
  REAL
}
