package io.xcluster.localstack.stack;

/** Which Temporal servers the local stack runs on. */
public enum ClusterKind {
  /** Temporal's in-process Java test server, one per region: needs only a JDK. */
  EMBEDDED,
  /**
   * Real Temporal servers ({@code temporal server start-dev}), one process per region, plus a real
   * nats-server.
   */
  REAL,
  /**
   * Production-like: per region a full Temporal server on PostgreSQL with several history shards
   * and an mTLS-only frontend (certificates made per run), plus a real nats-server.
   */
  POSTGRES;

  /**
   * Whether the clusters are server processes of their own (with databases and logs in the work
   * dir), not in this JVM.
   */
  public boolean runsServerProcesses() {
    return this != EMBEDDED;
  }
}
